"""The event vocabulary (v2): what a session record is made of.

One class per observable act or declaration. Every event carries its ``type``, an aware ``at``
timestamp, the ``session`` id and an event ``id``; the other fields are listed per class. The JSON
Schema of ``docs/events.md`` is generated from these classes (``json_schema()``) and a test keeps
the two identical.

Official French terms are kept as they are: *PV* (procès-verbal, the session's official record),
*CERES* (the ministry's information system), *DTE* (dossier technique d'évaluation, the exam
papers), *ECF* (in-training evaluations), *DP* (dossier professionnel), *MSP* (mise en situation
professionnelle, the practical test), *agrément* (the centre's approval).
"""
import datetime as dt
import enum
import functools
import re
import unicodedata
from typing import Any, Callable, ClassVar, NewType

import attrs

from . import _time
from ._yaml import Unreadable
from .errors import InputError, Location, did_you_mean, shown

Minutes = NewType("Minutes", int)
"""A duration written in whole minutes in records (compared in seconds inside the engine)."""


class Pathway(enum.Enum):
    """How the candidate came to the exam."""
    TRAINING = "training"   # parcours de formation (ECF booklet expected)
    APPRENTICESHIP = "apprenticeship"   # apprentissage: a training pathway (ECF booklet expected)
    VAE = "vae"             # validation des acquis de l'expérience (no ECF)
    OTHER = "other"


class SessionKind(enum.Enum):
    TITRE = "titre"   # the whole title: ends with a final interview
    CCP = "ccp"       # one or more CCP blocks: no final interview


class Role(enum.Enum):
    MANAGER = "manager"        # responsable de session
    SUBSTITUTE = "substitute"  # suppléant désigné par le centre
    JUROR = "juror"
    TRAINER = "trainer"
    CANDIDATE = "candidate"
    STAFF = "staff"
    OTHER = "other"


class TestKind(enum.Enum):
    MSP = "msp"
    QUESTIONNAIRE = "questionnaire"
    TECHNICAL_INTERVIEW = "entretien_technique"
    PRODUCTIONS_QUESTIONING = "questionnement_productions"
    FINAL_INTERVIEW = "entretien_final"


class Outcome(enum.Enum):
    TITLE = "title"       # the whole title awarded
    PARTIAL = "partial"   # some CCPs awarded (réussite partielle)
    NONE = "none"         # nothing awarded


class IncidentKind(enum.Enum):
    SEAL_BROKEN = "seal_broken"
    FRAUD = "fraud"
    IRREGULARITY = "irregularity"
    OTHER = "other"


class IncidentDecision(enum.Enum):
    """What the manager (or the representative) decided about an incident."""
    UNDECIDED = "undecided"         # nothing recorded (v1 records)
    CONTINUE = "continue"           # the test goes on
    EXCLUSION = "exclusion"         # the candidate is excluded from the test
    POSTPONEMENT = "postponement"   # the test is postponed
    CANCELLATION = "cancellation"   # the test (or the session) is cancelled


class AccommodationKind(enum.Enum):
    EXTRA_TIME = "extra_time"       # temps majoré
    HUMAN_AID = "human_aid"         # aide humaine (secrétaire, interprète…)
    EQUIPMENT = "equipment"         # matériel adapté
    OTHER = "other"


class Recipient(enum.Enum):
    REPRESENTATIVE = "territorial_representative"   # the DDETS/DREETS, as the règlement says
    OTHER = "other"


class Modality(enum.Enum):
    ON_SITE = "on_site"
    REMOTE = "remote"               # the 2024 experimental scheme


# Documents a session leaves behind (documents_destroyed, documents_kept). Exam materials are
# what the guide's "destroy all other documents" is about; the others are kept or returned.
EXAM_MATERIALS = ("dte_copies", "drafts")
DOCUMENTS = (*EXAM_MATERIALS, "grids", "pv_copy", "dp", "fraud_report", "accommodation_decision",
             "other")

# Test kinds with a candidate DTE unless the test says otherwise: the oral tests have none.
_DTE_BY_DEFAULT = ("msp", "questionnaire")


# ----------------------------------------------------------------------------- labels
# What reports call events, fields and enumerated words, in French and English. Every event
# type carries its label (``event_type(label=...)``); a field takes the label of its name in
# FIELD_LABELS unless it names its own (``_field(label=...)``); a test checks that none is missing.

@attrs.frozen
class Label:
    """A label in French and English; list fields also have plural forms."""
    fr: str
    en: str
    fr_plural: str = ""
    en_plural: str = ""

    def get(self, lang: str, count: int = 1) -> str:
        """The label in ``lang`` (``fr``, else English), plural when ``count`` asks for it
        (French: 2 and more; English: anything but 1)."""
        if lang == "fr":
            return self.fr_plural if self.fr_plural and count > 1 else self.fr
        return self.en_plural if self.en_plural and count != 1 else self.en


FIELD_LABELS: dict[str, Label] = {name: Label(*words) for name, words in {
    "by": ("par", "by"),
    "candidate": ("candidat", "candidate"),
    "candidate_dte": ("DTE candidat", "candidate DTE"),
    "candidates": ("candidat", "candidate", "candidats", "candidates"),
    "ccp": ("CCP", "CCP"),
    "ccps": ("CCP obtenu", "CCP awarded", "CCP obtenus", "CCPs awarded"),
    "centre": ("centre", "centre"),
    "conform": ("conforme", "conforming"),
    "convocation_lead_days": ("délai de convocation (jours)", "convocation lead time (days)"),
    "decided_by": ("décidé par", "decided by"),
    "decision": ("décision", "decision"),
    "documents": ("document", "document", "documents", "documents"),
    "dp": ("dossier professionnel", "dossier professionnel"),
    "duration_minutes": ("durée", "duration"),
    "ecf": ("livret des ECF", "ECF booklet"),
    "extra_minutes": ("temps supplémentaire", "extra time"),
    "extra_percent": ("majoration (%)", "extra time (%)"),
    "final_interview": ("conclusions de l'entretien final", "final interview's conclusions"),
    "from": ("cédé par", "handed over by"),
    "general_rules": ("règlement général affiché", "general rules displayed"),
    "habilitation_from": ("habilitation valable du", "habilitation from"),
    "habilitation_title": ("titre de l'habilitation", "habilitation title"),
    "habilitation_until": ("habilitation valable jusqu'au", "habilitation until"),
    "incident": ("incident", "incident"),
    "juror": ("juré", "juror"),
    "jurors": ("juré", "juror", "jurés", "jurors"),
    "jury_required": ("évaluée par le jury", "evaluated by the jury"),
    "kind": ("type", "kind"),
    "linked": ("lien déclaré", "tie declared"),
    "modalities": ("modalités d'évaluation", "evaluation modalities"),
    "modality": ("modalité", "modality"),
    "name": ("nom", "name"),
    "organisation": ("organisme", "organisation"),
    "outcome": ("résultat", "outcome"),
    "pathway": ("parcours", "pathway"),
    "person": ("personne", "person"),
    "posture": ("posture attendue", "expected posture"),
    "principles": ("principes de la certification", "principles of the certification"),
    "pv_mention": ("mention au procès-verbal", "mentioned on the PV"),
    "reason": ("motif", "reason"),
    "recipient": ("destinataire", "recipient"),
    "remote": ("à distance", "remote"),
    "representative_told_at": ("représentant territorial informé le", "territorial representative told on"),
    "results": ("résultats des épreuves", "test results"),
    "role": ("rôle", "role"),
    "sealed": ("plis cachetés", "envelopes sealed"),
    "site": ("site", "site"),
    "starts_at": ("début prévu", "scheduled start"),
    "test": ("épreuve", "test"),
    "time_zone": ("fuseau horaire", "time zone"),
    "timetable": ("déroulé affiché", "timetable displayed"),
    "title": ("titre", "title"),
    "title_name": ("intitulé du titre", "title name"),
    "to": ("repris par", "taken over by"),
    "trainer": ("formateur", "trainer"),
    "trainers": ("formateur", "trainer", "formateurs", "trainers"),
    "valid": ("pièce d'identité conforme", "identity document matched"),
    "valid_from": ("valable du", "valid from"),
    "valid_until": ("valable jusqu'au", "valid until"),
    "witness": ("témoin", "witness"),
    "written_report": ("rapport écrit", "written report"),
}.items()}

# The words of enumerations and word lists, as reports show them.
VALUE_LABELS: dict[str, dict[str, Label]] = {kind: {value: Label(*words) for value, words in table.items()}
                                             for kind, table in {
    "Pathway": {"training": ("formation", "training"), "apprenticeship": ("apprentissage", "apprenticeship"),
                "vae": ("VAE (validation des acquis de l'expérience)", "VAE (accreditation of prior experience)"),
                "other": ("autre", "other")},
    "SessionKind": {"titre": ("titre complet", "whole title"), "ccp": ("CCP", "CCP blocks")},
    "Role": {"manager": ("responsable de session", "session manager"), "substitute": ("suppléant", "substitute"),
             "juror": ("juré", "juror"), "trainer": ("formateur", "trainer"), "candidate": ("candidat", "candidate"),
             "staff": ("personnel du centre", "centre staff"), "other": ("autre", "other")},
    "TestKind": {"msp": ("mise en situation professionnelle", "MSP practical test"),
                 "questionnaire": ("questionnaire", "questionnaire"),
                 "entretien_technique": ("entretien technique", "technical interview"),
                 "questionnement_productions": ("questionnement à partir de productions", "questioning on productions"),
                 "entretien_final": ("entretien final", "final interview")},
    "Outcome": {"title": ("titre obtenu", "title awarded"), "partial": ("réussite partielle", "partial success"),
                "none": ("aucune certification", "nothing awarded")},
    "IncidentKind": {"seal_broken": ("pli décacheté", "broken seal"), "fraud": ("fraude", "fraud"),
                     "irregularity": ("irrégularité", "irregularity"), "other": ("autre", "other")},
    "IncidentDecision": {"undecided": ("non consignée", "not recorded"),
                         "continue": ("poursuite de l'épreuve", "test continued"),
                         "exclusion": ("exclusion du candidat", "candidate excluded"),
                         "postponement": ("report de l'épreuve", "test postponed"),
                         "cancellation": ("annulation", "cancelled")},
    "AccommodationKind": {"extra_time": ("temps majoré", "extra time"), "human_aid": ("aide humaine", "human aid"),
                          "equipment": ("matériel adapté", "adapted equipment"), "other": ("autre", "other")},
    "Recipient": {"territorial_representative": ("représentant territorial", "territorial representative"),
                  "other": ("autre destinataire", "other recipient")},
    "Modality": {"on_site": ("sur site", "on site"), "remote": ("à distance", "remote")},
    "documents": {"dte_copies": ("exemplaires du DTE", "DTE copies"), "drafts": ("brouillons", "drafts"),
                  "grids": ("grilles d'évaluation", "evaluation grids"),
                  "pv_copy": ("copie du procès-verbal", "PV copy"), "dp": ("dossier professionnel", "dossier professionnel"),
                  "fraud_report": ("rapport de fraude", "fraud report"),
                  "accommodation_decision": ("décision d'aménagement", "accommodation decision"),
                  "other": ("autres", "other")},
    "representative_contacted.reason": {"jury_shortfall": ("jury incomplet", "jury shortfall"),
                                        "incident": ("incident", "incident"), "other": ("autre", "other")},
}.items()}

# Fields (and list fields) whose values are people's ids: reports show them by name.
PERSON_FIELDS = frozenset({"person", "juror", "candidate", "witness", "decided_by", "from", "to", "by",
                           "trainers", "jurors", "candidates"})


def _field(doc: str, *, check: Any = None, key: str | None = None, label: tuple[str, str] | None = None,
           **kwargs: Any) -> Any:
    """An event field; ``check(value)`` returns what was expected when a text is not acceptable;
    ``key`` is its name in records and rules when that name is a Python keyword (``from``);
    ``label`` (French, English) when the field's name means something else here than in
    ``FIELD_LABELS``."""
    meta = {"doc": doc, "check": check, "key": key}
    if label is not None:
        meta["label"] = Label(*label)
    return attrs.field(metadata=meta, **kwargs)


def _known_zone(name: str) -> str | None:
    try:
        _time.zone(name)
    except ValueError:
        return "an IANA time zone such as Europe/Paris"
    return None


EVENT_TYPES: dict[str, type["Event"]] = {}


def event_type(name: str, *, label: tuple[str, str], declaration: bool = False
               ) -> Callable[[type["Event"]], type["Event"]]:
    """Register an event class under its type name, with its label (French, English) for reports."""
    def register(cls: type["Event"]) -> type["Event"]:
        cls.TYPE = name
        cls.LABEL = Label(*label)
        cls.DECLARATION = declaration
        EVENT_TYPES[name] = cls
        return cls
    return register


@attrs.frozen(kw_only=True)
class Event:
    """Common part of every event."""

    TYPE: ClassVar[str] = ""
    LABEL: ClassVar["Label"]          # what reports call it, in French and English
    DECLARATION: ClassVar[bool] = False

    at: dt.datetime = _field("when it happened: ISO 8601 with its UTC offset")
    session: str = _field("the exam session's id")
    id: str = _field("unique within the session; readers default it to the line or position")
    location: Location | None = attrs.field(default=None, eq=False, repr=False,
                                            metadata={"internal": True})

    @property
    def type(self) -> str:
        return self.TYPE

    def fields(self) -> dict[str, Any]:
        """The type-specific fields, by their record names."""
        return {f.name: getattr(self, f.attr) for f in specific_fields(type(self))}

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready form that readers accept back (round trip)."""
        out: dict[str, Any] = {"type": self.TYPE, "at": self.at.isoformat(), "session": self.session,
                               "id": self.id}
        for name, value in self.fields().items():
            if value is not None:       # an optional instant not recorded
                out[name] = _to_json(value)
        return out


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_to_json(v) for v in value]
    return value


def _strs(doc: str, *, choices: tuple[str, ...] = (), default: tuple[str, ...] = ()) -> Any:
    """A list of ids (or, with ``choices``, of those words only)."""
    return attrs.field(converter=tuple, default=default, metadata={"doc": doc, "choices": choices})


def _dte_by_kind(self: Any) -> bool:
    return bool(self.kind.value in _DTE_BY_DEFAULT)


# ----------------------------------------------------------------------------- declarations

@event_type("session_planned", declaration=True, label=("Session planifiée", "Session planned"))
@attrs.frozen(kw_only=True)
class SessionPlanned(Event):
    """The session as the centre planned and declared it."""
    title: str = _field("code of the Titre Professionnel, e.g. TP-01281")
    title_name: str = _field("name of the title")
    centre: str = _field("the approved centre")
    site: str = _field("the site where the session is held")
    kind: SessionKind = _field("titre (the whole title) or ccp (CCP blocks only)",
                               label=("type de session", "session kind"))
    time_zone: str = _field("IANA time zone used to read calendar days and render times",
                            default=_time.DEFAULT_TIME_ZONE, check=_known_zone)
    convocation_lead_days: int = _field(
        "minimum days between a candidate's convocation and the session (0: use the rule base's "
        "setting for the session kind)", default=0)


@event_type("agrement_recorded", declaration=True,
            label=("Agrément enregistré", "Approval (agrément) recorded"))
@attrs.frozen(kw_only=True)
class AgrementRecorded(Event):
    """The centre's approval (agrément) for a title on a site."""
    centre: str = _field("the approved centre")
    title: str = _field("code of the approved title")
    site: str = _field("the approved site")
    valid_from: dt.date = _field("first day of validity")
    valid_until: dt.date = _field("last day of validity")


@event_type("session_declared", declaration=True,
            label=("Session déclarée au représentant territorial", "Session declared to the territorial representative"))
@attrs.frozen(kw_only=True)
class SessionDeclared(Event):
    """The session was declared to the ministry's territorial representative (in CERES)."""
    remote: bool = _field("declared as held remotely, in part or whole (experimental scheme of 2024)",
                          default=False)


@event_type("manager_designated", declaration=True,
            label=("Désignation du responsable de session", "Session manager designated"))
@attrs.frozen(kw_only=True)
class ManagerDesignated(Event):
    """The centre designated a session manager or a substitute."""
    person: str = _field("id of the person designated")
    name: str = _field("full name", default="")
    role: Role = _field("manager or substitute")


@event_type("candidate_registered", declaration=True,
            label=("Inscription d'un candidat", "Candidate registered"))
@attrs.frozen(kw_only=True)
class CandidateRegistered(Event):
    """A candidate is registered for the session."""
    candidate: str = _field("candidate id")
    name: str = _field("full name", default="")
    pathway: Pathway = _field("training, apprenticeship, vae or other")
    trainers: tuple[str, ...] = _strs("ids of the people who trained this candidate")
    organisation: str = _field("the candidate's training organisation or employer", default="")


@event_type("candidate_convened", declaration=True, label=("Convocation d'un candidat", "Candidate convened"))
@attrs.frozen(kw_only=True)
class CandidateConvened(Event):
    """A convocation was sent to a candidate (``at`` is the sending time)."""
    candidate: str = _field("candidate id")


@event_type("juror_appointed", declaration=True, label=("Désignation d'un juré", "Juror appointed"))
@attrs.frozen(kw_only=True)
class JurorAppointed(Event):
    """A juror is invited, with the habilitation they hold."""
    juror: str = _field("juror id")
    name: str = _field("full name", default="")
    habilitation_title: str = _field("code of the title the habilitation is for")
    habilitation_from: dt.date = _field("first day of the habilitation")
    habilitation_until: dt.date = _field("last day of the habilitation")
    organisation: str = _field("the juror's employer or organisation", default="")
    trainer: bool = _field("the juror works as a trainer", default=False)


@event_type("test_scheduled", declaration=True, label=("Épreuve programmée", "Test scheduled"))
@attrs.frozen(kw_only=True)
class TestScheduled(Event):
    """A test of one candidate, as the référentiel d'évaluation and the timetable set it."""
    test: str = _field("test id")
    candidate: str = _field("candidate id")
    kind: TestKind = _field("msp, questionnaire, entretien_technique, questionnement_productions or entretien_final",
                            label=("type d'épreuve", "test kind"))
    duration_minutes: Minutes = _field("duration set by the référentiel d'évaluation (working time: pauses excluded)")
    starts_at: dt.datetime = _field("scheduled start")
    candidate_dte: bool = _field("the candidate receives a candidate DTE (default: yes for msp and "
                                 "questionnaire, no for the oral tests)",
                                 default=attrs.Factory(_dte_by_kind, takes_self=True))
    jury_required: bool = _field("the jury evaluates this test (no: a phase the référentiel runs "
                                 "without the jury, under supervision)", default=True)
    ccp: str = _field("code of the CCP the test belongs to", default="")
    remote: bool = _field("scheduled to be held remotely (experimental scheme of 2024)", default=False)


@event_type("accommodation_authorised", declaration=True,
            label=("Aménagement d'épreuve autorisé", "Adapted conditions authorised"))
@attrs.frozen(kw_only=True)
class AccommodationAuthorised(Event):
    """Adapted conditions for a disabled candidate, authorised by the DDETS (``at``: the decision)."""
    candidate: str = _field("candidate id")
    kind: AccommodationKind = _field("extra_time, human_aid, equipment or other",
                                     label=("type d'aménagement", "kind of adapted conditions"),
                                     default=AccommodationKind.EXTRA_TIME)
    extra_minutes: Minutes = _field("extra time granted per test", default=0)
    extra_percent: int = _field("extra time as a percentage of each test's duration", default=0)
    test: str = _field("the one test it applies to (empty: every test of the candidate)", default="")


# ----------------------------------------------------------------------------- the day

@event_type("session_opened", label=("Ouverture de la session", "Session opened"))
@attrs.frozen(kw_only=True)
class SessionOpened(Event):
    """The session opens."""


@event_type("session_closed", label=("Clôture de la session", "Session closed"))
@attrs.frozen(kw_only=True)
class SessionClosed(Event):
    """The session closes (after the PVs are signed)."""


@event_type("person_arrived", label=("Arrivée sur le site", "Arrival on site"))
@attrs.frozen(kw_only=True)
class PersonArrived(Event):
    """Someone arrives on site."""
    person: str = _field("person id")
    role: Role = _field("their role in the session")


@event_type("person_left", label=("Départ du site", "Departure from site"))
@attrs.frozen(kw_only=True)
class PersonLeft(Event):
    """Someone leaves the site."""
    person: str = _field("person id")
    role: Role = _field("their role in the session")


@event_type("duty_handover", label=("Passation des fonctions de responsable", "Manager's duty handed over"))
@attrs.frozen(kw_only=True)
class DutyHandover(Event):
    """The session manager's duty passes from one person to another (manager, substitute)."""
    from_: str = _field("who hands over", key="from")
    to: str = _field("who takes over")


@event_type("display_checked", label=("Contrôle de l'affichage", "Display checked"))
@attrs.frozen(kw_only=True)
class DisplayChecked(Event):
    """The manager checked what is displayed on the premises."""
    timetable: bool = _field("the session timetable is displayed")
    general_rules: bool = _field("the règlement général des sessions is displayed")


@event_type("juror_checked_in", label=("Accueil d'un juré", "Juror checked in"))
@attrs.frozen(kw_only=True)
class JurorCheckedIn(Event):
    """A juror is present and checked in."""
    juror: str = _field("juror id")


@event_type("representative_contacted",
            label=("Contact avec le représentant territorial", "Territorial representative contacted"))
@attrs.frozen(kw_only=True)
class RepresentativeContacted(Event):
    """The manager contacted the ministry's territorial representative (DDETS)."""
    reason: str = _field("why: jury_shortfall, incident, other", default="other")


@event_type("jury_briefed", label=("Rappel au jury", "Jury briefed"))
@attrs.frozen(kw_only=True)
class JuryBriefed(Event):
    """The manager briefed the jury; one flag per topic covered."""
    principles: bool = _field("principles of the certification")
    modalities: bool = _field("the title's evaluation modalities")
    organisation: bool = _field("organisation of the day",
                                label=("organisation de la journée", "organisation of the day"))
    posture: bool = _field("expected posture")
    jurors: tuple[str, ...] = _strs("the jurors briefed (empty: not recorded)")


@event_type("candidates_briefed", label=("Consignes aux candidats", "Candidates briefed"))
@attrs.frozen(kw_only=True)
class CandidatesBriefed(Event):
    """The candidates were briefed (rules, phones, timing)."""


@event_type("durations_reminded", label=("Rappel des durées d'épreuve", "Test durations reminded"))
@attrs.frozen(kw_only=True)
class DurationsReminded(Event):
    """Everyone was reminded of the référentiel's test durations."""


@event_type("platform_checked", label=("Vérification du plateau technique", "Technical platform checked"))
@attrs.frozen(kw_only=True)
class PlatformChecked(Event):
    """The technical platform and material were checked against the référentiel."""
    conform: bool = _field("they match the référentiel")


@event_type("identity_checked", label=("Contrôle d'identité", "Identity checked"))
@attrs.frozen(kw_only=True)
class IdentityChecked(Event):
    """A candidate's identity was checked."""
    candidate: str = _field("candidate id")
    valid: bool = _field("the identity document matched", default=True)


@event_type("absence_noted", label=("Absence constatée", "Absence noted"))
@attrs.frozen(kw_only=True)
class AbsenceNoted(Event):
    """The manager found that a registered candidate did not come."""
    candidate: str = _field("candidate id")
    test: str = _field("the one test missed (empty: absent from the whole session)", default="")


@event_type("absence_recorded_on_pv", label=("Absence portée au procès-verbal", "Absence recorded on the PV"))
@attrs.frozen(kw_only=True)
class AbsenceRecordedOnPv(Event):
    """A candidate's absence is written on the session PV."""
    candidate: str = _field("candidate id")
    test: str = _field("the one test missed (empty: absent from the whole session)", default="")


@event_type("jury_informed_of_absence", label=("Jury informé d'une absence", "Jury informed of an absence"))
@attrs.frozen(kw_only=True)
class JuryInformedOfAbsence(Event):
    """The jury was told of a candidate's absence."""
    candidate: str = _field("candidate id")
    test: str = _field("the one test missed (empty: absent from the whole session)", default="")


@event_type("link_checked",
            label=("Vérification des liens entre juré et candidat", "Juror–candidate ties checked"))
@attrs.frozen(kw_only=True)
class LinkChecked(Event):
    """A juror was asked about any tie with a candidate."""
    juror: str = _field("juror id")
    candidate: str = _field("candidate id")
    linked: bool = _field("a tie was declared")


@event_type("juror_stood_aside", label=("Déport d'un juré", "Juror stood aside"))
@attrs.frozen(kw_only=True)
class JurorStoodAside(Event):
    """A juror stands aside for one candidate: neither evaluates nor deliberates on them."""
    juror: str = _field("juror id")
    candidate: str = _field("candidate id")


@event_type("seal_checked", label=("Contrôle des cachets des plis", "Envelope seals checked"))
@attrs.frozen(kw_only=True)
class SealChecked(Event):
    """The manager and a candidate witness checked the seals of the DTE envelopes."""
    witness: str = _field("id of the registered candidate who witnessed the check")
    sealed: bool = _field("all envelopes were found sealed")


@event_type("envelopes_opened", label=("Ouverture des plis", "Envelopes opened"))
@attrs.frozen(kw_only=True)
class EnvelopesOpened(Event):
    """The sealed DTE envelopes were opened."""


@event_type("dte_content_checked", label=("Vérification du contenu des plis", "DTE content checked"))
@attrs.frozen(kw_only=True)
class DteContentChecked(Event):
    """The DTE content was checked against the référentiel's evaluation modalities."""
    conform: bool = _field("the content matches the référentiel")


@event_type("dte_candidate_handed", label=("Remise du DTE candidat", "Candidate DTE handed over"))
@attrs.frozen(kw_only=True)
class DteCandidateHanded(Event):
    """A candidate received the candidate DTE for a test."""
    candidate: str = _field("candidate id")
    test: str = _field("test id")


@event_type("dte_jury_handed", label=("Remise du DTE jury", "Jury DTE handed over"))
@attrs.frozen(kw_only=True)
class DteJuryHanded(Event):
    """A juror received the jury DTE."""
    juror: str = _field("juror id")


@event_type("late_admission", label=("Admission en retard", "Late admission"))
@attrs.frozen(kw_only=True)
class LateAdmission(Event):
    """The manager admitted a late candidate to a test."""
    candidate: str = _field("candidate id")
    test: str = _field("test id")
    decided_by: str = _field("id of the person who decided")


@event_type("test_started", label=("Début d'épreuve", "Test started"))
@attrs.frozen(kw_only=True)
class TestStarted(Event):
    """A candidate's test starts."""
    test: str = _field("test id")
    candidate: str = _field("candidate id")
    site: str = _field("where it takes place (empty: the session's site)", default="")
    remote: bool = _field("held remotely under the experimental scheme", default=False)


@event_type("test_ended", label=("Fin d'épreuve", "Test ended"))
@attrs.frozen(kw_only=True)
class TestEnded(Event):
    """A candidate's test ends."""
    test: str = _field("test id")
    candidate: str = _field("candidate id")


@event_type("test_paused", label=("Pause d'épreuve", "Test paused"))
@attrs.frozen(kw_only=True)
class TestPaused(Event):
    """A candidate's test is paused (lunch, end of a day): the time until it resumes is not worked."""
    test: str = _field("test id")
    candidate: str = _field("candidate id")


@event_type("test_resumed", label=("Reprise d'épreuve", "Test resumed"))
@attrs.frozen(kw_only=True)
class TestResumed(Event):
    """A paused test resumes."""
    test: str = _field("test id")
    candidate: str = _field("candidate id")


@event_type("supervision_assigned", label=("Surveillance confiée", "Supervision assigned"))
@attrs.frozen(kw_only=True)
class SupervisionAssigned(Event):
    """Someone is assigned to supervise a test."""
    test: str = _field("test id")
    person: str = _field("supervisor id", label=("surveillant", "supervisor"))


@event_type("platform_entered", label=("Entrée sur le plateau technique", "Technical platform entered"))
@attrs.frozen(kw_only=True)
class PlatformEntered(Event):
    """Someone entered the technical platform during the tests."""
    person: str = _field("person id")


@event_type("evaluation_recorded", label=("Évaluation par un juré", "Evaluation by a juror"))
@attrs.frozen(kw_only=True)
class EvaluationRecorded(Event):
    """A juror evaluated a candidate's test (filled an evaluation grid)."""
    juror: str = _field("juror id")
    candidate: str = _field("candidate id")
    test: str = _field("test id")


@event_type("incident_reported", label=("Incident signalé", "Incident reported"))
@attrs.frozen(kw_only=True)
class IncidentReported(Event):
    """An incident (broken seal, fraud, irregularity) and what was done about it."""
    incident: str = _field("incident id")
    kind: IncidentKind = _field("seal_broken, fraud, irregularity or other",
                                label=("type d'incident", "kind of incident"))
    written_report: bool = _field("a written report was drawn up")
    pv_mention: bool = _field("the incident is mentioned on the PV")
    test: str = _field("the test it happened in (empty: none)", default="")
    candidate: str = _field("the candidate concerned (empty: none)", default="")
    representative_told_at: dt.datetime | None = _field(
        "when the territorial representative was told (empty: not recorded)", default=None)
    decision: IncidentDecision = _field("continue, exclusion, postponement, cancellation or undecided",
                                        default=IncidentDecision.UNDECIDED)


@event_type("deliberation_started", label=("Début de la délibération", "Deliberation started"))
@attrs.frozen(kw_only=True)
class DeliberationStarted(Event):
    """The jury starts deliberating."""


@event_type("deliberation_ended", label=("Fin de la délibération", "Deliberation ended"))
@attrs.frozen(kw_only=True)
class DeliberationEnded(Event):
    """The jury's deliberation ends."""


@event_type("deliberation_presence",
            label=("Présence pendant la délibération", "Present during the deliberation"))
@attrs.frozen(kw_only=True)
class DeliberationPresence(Event):
    """A person present in the room during the deliberation."""
    person: str = _field("person id")
    candidate: str = _field("the candidate being deliberated on (empty: the whole deliberation)",
                            default="")


@event_type("dossier_reviewed", label=("Étude du dossier du candidat", "Candidate's dossier reviewed"))
@attrs.frozen(kw_only=True)
class DossierReviewed(Event):
    """The jury studied a candidate's dossier; one flag per element it had."""
    candidate: str = _field("candidate id")
    results: bool = _field("the test results")
    ecf: bool = _field("the ECF booklet (training candidates)")
    dp: bool = _field("the dossier professionnel")
    final_interview: bool = _field("the final interview's conclusions")


@event_type("decision_recorded", label=("Décision du jury", "Jury decision"))
@attrs.frozen(kw_only=True)
class DecisionRecorded(Event):
    """The jury's decision for a candidate."""
    candidate: str = _field("candidate id")
    outcome: Outcome = _field("title, partial or none")
    ccps: tuple[str, ...] = _strs("the CCPs awarded (partial success)")


@event_type("results_communicated", label=("Communication des résultats", "Results communicated"))
@attrs.frozen(kw_only=True)
class ResultsCommunicated(Event):
    """Someone told a candidate their results."""
    person: str = _field("who communicated", label=("communiqué par", "communicated by"))
    candidate: str = _field("candidate id")


@event_type("pv_signed", label=("Signature des procès-verbaux par un juré", "PVs signed by a juror"))
@attrs.frozen(kw_only=True)
class PvSigned(Event):
    """A juror completed and signed the session PVs."""
    juror: str = _field("juror id")


@event_type("pv_countersigned", label=("Contresignature des procès-verbaux", "PVs countersigned"))
@attrs.frozen(kw_only=True)
class PvCountersigned(Event):
    """The session manager countersigned the PVs."""
    person: str = _field("id of the manager", label=("contresigné par", "countersigned by"))


@event_type("results_recorded_ceres", label=("Saisie des résultats dans CERES", "Results entered in CERES"))
@attrs.frozen(kw_only=True)
class ResultsRecordedCeres(Event):
    """The results were entered in CERES."""
    person: str = _field("who entered them", label=("saisi par", "entered by"))


@event_type("pv_transmitted", label=("Transmission des procès-verbaux", "PVs transmitted"))
@attrs.frozen(kw_only=True)
class PvTransmitted(Event):
    """The PVs were sent to the territorial representative."""
    by: str = _field("who sent them (empty: not recorded)", label=("envoyé par", "sent by"), default="")
    recipient: Recipient = _field("territorial_representative or other",
                                  default=Recipient.REPRESENTATIVE)


@event_type("modality_recorded_on_pv",
            label=("Modalité portée au procès-verbal", "Modality recorded on the PV"))
@attrs.frozen(kw_only=True)
class ModalityRecordedOnPv(Event):
    """The PV names how a candidate sat the tests: on site or remotely."""
    candidate: str = _field("candidate id")
    modality: Modality = _field("on_site or remote")


@event_type("results_validated", label=("Validation des résultats", "Results validated"))
@attrs.frozen(kw_only=True)
class ResultsValidated(Event):
    """The territorial representative validated the PV: the results are official."""
    by: str = _field("who validated (empty: not recorded)", label=("validé par", "validated by"), default="")


@event_type("results_notified", label=("Notification des résultats", "Results notified"))
@attrs.frozen(kw_only=True)
class ResultsNotified(Event):
    """The results were officially notified to a candidate (or to all)."""
    candidate: str = _field("candidate id (empty: every candidate)", default="")


@event_type("grids_archived", label=("Archivage des grilles d'évaluation", "Evaluation grids archived"))
@attrs.frozen(kw_only=True)
class GridsArchived(Event):
    """The evaluation grids were put in the session archive."""
    candidates: tuple[str, ...] = _strs("the candidates whose grids these are (empty: every candidate)")


@event_type("documents_destroyed", label=("Destruction de documents", "Documents destroyed"))
@attrs.frozen(kw_only=True)
class DocumentsDestroyed(Event):
    """Session documents were destroyed."""
    documents: tuple[str, ...] = _strs("what was destroyed: " + ", ".join(DOCUMENTS),
                                       choices=DOCUMENTS, default=EXAM_MATERIALS)


@event_type("documents_kept", label=("Conservation de documents", "Documents kept"))
@attrs.frozen(kw_only=True)
class DocumentsKept(Event):
    """Session documents were kept (archived or returned to the candidate); grids named here count as archived (S8.6)."""
    documents: tuple[str, ...] = _strs("what was kept: " + ", ".join(DOCUMENTS), choices=DOCUMENTS)


@event_type("grids_lost", label=("Perte de grilles d'évaluation", "Evaluation grids lost"))
@attrs.frozen(kw_only=True)
class GridsLost(Event):
    """Evaluation grids were lost before being archived."""
    candidates: tuple[str, ...] = _strs("the candidates whose grids are lost (empty: every candidate)")
    reason: str = _field("what happened", default="")


@event_type("jury_informed_of_accommodation",
            label=("Jury informé d'un aménagement", "Jury informed of adapted conditions"))
@attrs.frozen(kw_only=True)
class JuryInformedOfAccommodation(Event):
    """The jury was told of a candidate's authorised adapted conditions."""
    candidate: str = _field("candidate id")


# ----------------------------------------------------------------------------- field kinds

COMMON_FIELDS = ("type", "at", "session", "id")


@attrs.frozen
class FieldSpec:
    """What a field holds, as the readers, the rule loader and the JSON Schema see it."""
    name: str
    kind: str               # time | day | duration | text | bool | int | enum | list
    required: bool
    doc: str
    choices: tuple[str, ...] = ()
    default: Any = None
    attr: str = ""          # the attribute's name when the record's is a Python keyword
    label: Label | None = None                  # what reports call it
    words: dict[str, Label] = attrs.field(factory=dict, eq=False)   # labels of its values, if any

    def __attrs_post_init__(self) -> None:
        if not self.attr:
            object.__setattr__(self, "attr", self.name)


def _kind_of(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if annotation is dt.datetime or annotation == dt.datetime | None:
        return "time", ()
    if annotation is dt.date:
        return "day", ()
    if annotation is Minutes:
        return "duration", ()
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is str:
        return "text", ()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "enum", tuple(m.value for m in annotation)
    return "list", ()


_SPECS: dict[type[Event], tuple[FieldSpec, ...]] = {}


def specific_fields(cls: type[Event]) -> tuple[FieldSpec, ...]:
    """The fields of an event class beyond the common ones, in declaration order."""
    specs = _SPECS.get(cls)
    if specs is None:
        specs = _SPECS[cls] = _read_specs(cls)
    return specs


def _read_specs(cls: type[Event]) -> tuple[FieldSpec, ...]:
    out = []
    for f in attrs.fields(cls):
        if f.name in COMMON_FIELDS or f.metadata.get("internal"):
            continue
        kind, choices = _kind_of(f.type)
        choices = choices or tuple(f.metadata.get("choices", ()))
        required = f.default is attrs.NOTHING
        default = None
        if not required and not getattr(f.default, "takes_self", False):   # else: documented
            factory = getattr(f.default, "factory", None)      # an attrs.Factory
            default = factory() if callable(factory) else f.default
            default = _to_json(default)
        name = f.metadata.get("key") or f.name
        label = f.metadata.get("label") or FIELD_LABELS.get(name)
        words_of = f.type.__name__ if kind == "enum" else f"{cls.TYPE}.{name}" if kind == "text" else name
        out.append(FieldSpec(name, kind, required, f.metadata.get("doc", ""), choices, default, f.name, label,
                             VALUE_LABELS.get(words_of, {})))
    return tuple(out)


def event_label(type_name: str) -> Label | None:
    """What reports call an event type (None for a type this vocabulary does not know)."""
    cls = EVENT_TYPES.get(type_name)
    return cls.LABEL if cls is not None else None


@functools.cache
def _field_kinds(type_name: str) -> tuple[tuple[str, str], ...]:
    kinds = {"at": "time", "session": "text", "id": "text"}
    kinds.update({f.name: f.kind for f in specific_fields(EVENT_TYPES[type_name])})
    return tuple(kinds.items())


def field_kinds(type_name: str) -> dict[str, str]:
    """Every field a rule may read on an event type, with its kind (common fields included)."""
    return dict(_field_kinds(type_name))


# ----------------------------------------------------------------------------- parsing

API_LOCATION = Location("<event>")


def parse_event(raw: Any, location: Location = API_LOCATION, *, session: str | None = None,
                default_id: str | None = None) -> Event:
    """Build a validated event from a decoded JSON/YAML object.

    >>> event = parse_event({"type": "session_opened", "at": "2026-03-10T08:00:00+01:00",
    ...                      "session": "TP-00417-2026-03-10", "id": "e1"})
    >>> event.type, event.at.isoformat()
    ('session_opened', '2026-03-10T08:00:00+01:00')

    Args:
        raw: the decoded mapping.
        location: where it was read, named by every error (default ``<event>``, for events
            built in a program).
        session: the session id to use when ``raw`` has none (records give it once).
        default_id: the id to use when ``raw`` has none.
    Raises:
        InputError: naming the field, what was expected and what was found.
    """
    if isinstance(raw, Unreadable):     # a JSON object with a key given twice
        raise InputError(raw.reason, location=location, expected=raw.expected)
    if not isinstance(raw, dict):
        raise InputError("event", location=location, expected="a JSON object", got=raw)
    type_name = raw.get("type")
    if not isinstance(type_name, str) or type_name not in EVENT_TYPES:
        if not isinstance(type_name, str):
            raise InputError("field 'type'", location=location, expected="an event type name",
                             got=type_name)
        raise InputError(f"unknown event type {shown(type_name)}", location=location,
                         hint=did_you_mean(type_name, EVENT_TYPES) or "see docs/events.md")
    cls = EVENT_TYPES[type_name]
    plan = _plan(cls)
    subject = plan.subject
    if not plan.known.issuperset(raw):
        specs = _specs_by_name(cls)
        unknown = [k for k in raw if k not in specs and k not in COMMON_FIELDS]
        raise InputError(f"unknown field {shown(unknown[0])}", location=location, subject=subject,
                         hint=did_you_mean(str(unknown[0]), list(specs) + list(COMMON_FIELDS)))
    if Unreadable in map(type, raw.values()):
        for name, value in raw.items():
            if isinstance(value, Unreadable):
                raise InputError(f"field {shown(name)}: {value.reason}", location=location, subject=subject,
                                 expected=value.expected)
    values: dict[str, Any] = {}
    try:
        written_at: Any = raw.get("at")         # parse_time refuses what is not a text
        values["at"] = _time.parse_time(written_at)
    except _time.TimeFormatError as error:
        raise InputError("field 'at'", location=location, subject=subject,
                         expected=str(error).removeprefix("expected "), got=raw.get("at")) from None
    session_id = raw.get("session", session)
    if session is not None and "session" in raw and raw["session"] != session:
        raise InputError("field 'session'", location=location, subject=subject,
                         expected=f"the record's session '{session}'", got=raw["session"])
    values["session"] = session_id if _plain_id(session_id) else _text(session_id, "session", location, subject)
    event_id = raw.get("id", default_id)
    if not _plain_id(event_id):
        if isinstance(event_id, int) and not isinstance(event_id, bool) and abs(event_id) < 10 ** MAX_TEXT:
            event_id = str(event_id)
        event_id = _text(event_id, "id", location, subject)
    values["id"] = event_id
    for spec, read in plan.fields:
        name = spec.name
        if name not in raw:
            if spec.required:
                raise InputError(f"missing field '{name}'", location=location, subject=subject,
                                 expected=spec.doc)
            continue
        value = read(raw[name])
        # the usual value is read by the field's own quick test; anything else (to refuse, or a
        # text to normalise) by ``_convert``, which says exactly what is wrong
        values[spec.attr] = _convert(raw[name], spec, cls, location, subject) if value is _UNUSUAL else value
    return cls(location=location, **values)


def _plain_id(value: Any) -> bool:
    """A text ``_text`` takes as it is (ASCII, not blank, not too long), so it need not see it."""
    return type(value) is str and 0 < len(value) <= MAX_TEXT and value.isascii() and not value.isspace()


# -- what parse_event needs of an event class, worked out once per class
_UNUSUAL: Any = object()       # a quick reader's answer for a value it leaves to ``_convert``
Reader = Callable[[Any], Any]   # a field's quick reader: the value as the event holds it, or _UNUSUAL


@attrs.frozen
class _Plan:
    subject: str                                    # "event 'test_started'", as errors name it
    known: frozenset[str]                           # every field name the type allows
    fields: tuple[tuple[FieldSpec, Reader], ...]    # its own fields, in declaration order


_PLANS: dict[type[Event], _Plan] = {}


def _plan(cls: type[Event]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        specs = specific_fields(cls)
        plan = _PLANS[cls] = _Plan(f"event '{cls.TYPE}'", frozenset(s.name for s in specs) | frozenset(COMMON_FIELDS),
                                   tuple((spec, _quick_reader(cls, spec)) for spec in specs))
    return plan


def _quick_reader(cls: type[Event], spec: FieldSpec) -> Reader:
    """The reader of a field's usual value (what ``_convert`` accepts as it is); it answers
    _UNUSUAL for anything else, which ``_convert`` then reads or refuses."""
    kind = spec.kind
    if kind == "text":
        check = _attribute(cls, spec.attr).metadata.get("check")

        def text(value: Any) -> Any:     # ASCII: already NFC, no surrogate
            if type(value) is str and len(value) <= MAX_TEXT and value.isascii() and not (check and check(value)):
                return value
            return _UNUSUAL
        return text
    if kind == "bool":
        return lambda value: value if type(value) is bool else _UNUSUAL
    if kind in ("int", "duration"):
        return lambda value: value if type(value) is int and 0 <= value <= 10_000_000 else _UNUSUAL
    if kind == "enum":
        enum_type: Any = _attribute(cls, spec.attr).type
        members = {m.value: m for m in enum_type}
        return lambda value: members.get(value, _UNUSUAL) if type(value) is str else _UNUSUAL
    if kind in ("time", "day"):
        parse = _time.parse_time if kind == "time" else _time.parse_day

        def moment(value: Any) -> Any:
            try:
                return parse(value)
            except _time.TimeFormatError:
                return _UNUSUAL
        return moment
    assert kind == "list", kind
    choices = frozenset(spec.choices)

    def items(value: Any) -> Any:
        if type(value) is not list or len(value) > MAX_ITEMS:
            return _UNUSUAL
        for item in value:
            if type(item) is not str or not item or len(item) > MAX_TEXT or not item.isascii() or \
                    (choices and item not in choices):
                return _UNUSUAL
        return tuple(value)
    return items


_BY_NAME: dict[type[Event], dict[str, FieldSpec]] = {}
_ATTRIBUTES: dict[tuple[type[Event], str], "attrs.Attribute[Any]"] = {}


def _specs_by_name(cls: type[Event]) -> dict[str, FieldSpec]:
    specs = _BY_NAME.get(cls)
    if specs is None:
        specs = _BY_NAME[cls] = {f.name: f for f in specific_fields(cls)}
    return specs


def _attribute(cls: type[Event], attr: str) -> "attrs.Attribute[Any]":
    """An event class's attribute (its type, its ``check``), looked up once, not per event."""
    found = _ATTRIBUTES.get((cls, attr))
    if found is None:
        found = _ATTRIBUTES[(cls, attr)] = attrs.fields_dict(cls)[attr]
    return found


def checked_text(value: Any, name: str, location: Location) -> str:
    """A session id (or other text read outside an event) as the events take it; InputError if not."""
    return _text(value, name, location, None)


def _text(value: Any, name: str, location: Location, subject: str | None) -> str:
    if not isinstance(value, str) or not value.strip():
        expected = "a non-empty text" + (" or a whole number" if name == "id" else "")
        raise InputError(f"field '{name}'", location=location, subject=subject, expected=expected, got=value)
    return _checked_text(value, name, location, subject)


MAX_TEXT = 1_000    # characters of one text field (names, ids, sites): reports repeat them
MAX_ITEMS = 1_000   # ids in one list field
_SURROGATE = re.compile("[\ud800-\udfff]")


def _checked_text(value: str, name: str, location: Location, subject: str | None) -> str:
    """Text that a report can show: bounded, whole characters only; normalised to NFC."""
    if len(value) > MAX_TEXT:
        raise InputError(f"field '{name}': text of {len(value):,} characters", location=location, subject=subject,
                         expected=f"at most {MAX_TEXT:,} characters")
    if value.isascii():         # no surrogate, and already NFC: the usual text costs nothing more
        return value
    surrogate = _SURROGATE.search(value)
    if surrogate is not None:
        raise InputError(f"field '{name}': text with a lone surrogate (\\u{ord(surrogate.group()):04x})",
                         location=location,
                         subject=subject, expected="whole characters (a surrogate is half of a UTF-16 pair)")
    normal = unicodedata.normalize("NFC", value)
    if len(normal) > MAX_TEXT:      # NFC may lengthen a text (U+0958 is two characters)
        raise InputError(f"field '{name}': text of {len(normal):,} characters once normalised (NFC)",
                         location=location, subject=subject, expected=f"at most {MAX_TEXT:,} characters")
    return normal


def _not_a_bool(value: Any) -> str | None:
    return f"{value!r} is text here, not a boolean: write true or false" if isinstance(value, str) else None


def _not_a_number(value: Any) -> str | None:
    if isinstance(value, str) and any(c.isdigit() for c in value):
        return f"{value!r} is text here, not a number: write plain decimal digits, unquoted"
    return None


def _convert(value: Any, spec: FieldSpec, cls: type[Event], location: Location, subject: str) -> Any:
    def bad(expected: str, hint: str | None = None) -> InputError:
        return InputError(f"field '{spec.name}'", location=location, subject=subject,
                          expected=expected, got=value, hint=hint)
    if spec.kind == "text":
        if not isinstance(value, str):
            raise bad("a text")
        text = _checked_text(value, spec.name, location, subject)
        check = _attribute(cls, spec.attr).metadata.get("check")
        expected = check(text) if check else None
        if expected:
            raise bad(expected)
        return text
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false", _not_a_bool(value))
        return value
    if spec.kind in ("int", "duration"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad("a whole number, zero or more", _not_a_number(value))
        if value > 10_000_000:
            raise bad("a plausible number (at most 10,000,000)")
        return int(value)
    if spec.kind == "enum":
        if not isinstance(value, str) or value not in spec.choices:
            raise bad("one of " + ", ".join(spec.choices))
        enum_type: Any = _attribute(cls, spec.attr).type
        return enum_type(value)
    if spec.kind == "time":
        try:
            return _time.parse_time(value)
        except _time.TimeFormatError as error:
            raise bad(str(error).removeprefix("expected ")) from None
    if spec.kind == "day":
        try:
            return _time.parse_day(value)
        except _time.TimeFormatError as error:
            raise bad(str(error).removeprefix("expected ")) from None
    if spec.kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise bad("a list of " + ("words: " + ", ".join(spec.choices) if spec.choices else "ids"))
        wrong = [v for v in value if spec.choices and v not in spec.choices]
        if wrong:
            raise InputError(f"field '{spec.name}': {shown(wrong[0])}", location=location, subject=subject,
                             expected="one of " + ", ".join(spec.choices),
                             hint=did_you_mean(wrong[0], spec.choices))
        if len(value) > MAX_ITEMS:
            raise InputError(f"field '{spec.name}': list of {len(value):,} ids", location=location,
                             subject=subject, expected=f"at most {MAX_ITEMS:,}")
        return tuple(_checked_text(v, spec.name, location, subject) for v in value)
    raise AssertionError(spec.kind)


# ----------------------------------------------------------------------------- schema

SCHEMA_VERSION = "2"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one event, generated from the classes above."""
    kind_schema: dict[str, dict[str, Any]] = {
        "time": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "duration": {"type": "integer", "minimum": 0},
        "int": {"type": "integer", "minimum": 0},
        "bool": {"type": "boolean"},
        "text": {"type": "string"},
        "list": {"type": "array", "items": {"type": "string", "minLength": 1}},
    }
    variants = []
    for name in sorted(EVENT_TYPES):
        cls = EVENT_TYPES[name]
        props: dict[str, Any] = {
            "type": {"const": name},
            "at": {"type": "string", "format": "date-time",
                   "description": "ISO 8601 with its UTC offset"},
            "session": {"type": "string", "minLength": 1},
            "id": {"type": ["string", "integer"]},
        }
        required = ["type", "at"]
        for spec in specific_fields(cls):
            schema = dict(kind_schema.get(spec.kind, {}))
            if spec.kind == "enum":
                schema = {"enum": list(spec.choices)}
            elif spec.kind == "list" and spec.choices:
                schema = {"type": "array", "items": {"enum": list(spec.choices)}}
            schema["description"] = spec.doc
            if not spec.required and spec.default is not None:
                schema["default"] = spec.default
            props[spec.name] = schema
            if spec.required:
                required.append(spec.name)
        variants.append({
            "title": name,
            "description": (cls.__doc__ or "").strip(),
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://tp-compliance.invalid/schema/event/v{SCHEMA_VERSION}",
        "title": "Titre Professionnel session event",
        "oneOf": variants,
    }
