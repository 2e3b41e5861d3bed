"""What a spawned audit worker is handed: the rule base, by pickle (compliance/pool.py)."""
from __future__ import annotations

import pickle

import pytest

from compliance.checker import default_rulebook


@pytest.mark.xfail(strict=True, raises=TypeError,
                   reason="Rulebook.sections is a types.MappingProxyType (rule_model._read_only), which "
                          "pickle refuses: a threaded process (pytest-xdist, a server) spawns its audit "
                          "workers and exits 70 'cannot pickle mappingproxy'")
def test_the_rule_base_survives_the_trip_to_a_spawned_worker():
    rulebook = default_rulebook()
    again = pickle.loads(pickle.dumps(rulebook))
    assert again == rulebook
    assert dict(again.sections) == dict(rulebook.sections)
