/* A stand-in for one C-API function that Python 3.13 removed.
 *
 * durable-rules 2.0.28 (unmaintained) calls PyEval_CallObject to run rule actions. Python 3.13
 * removed it; its documented replacement is PyObject_CallObject, with the same arguments and
 * result. compliance/_engine_import.py loads this library with RTLD_GLOBAL before importing the
 * engine, so the engine's undefined symbol resolves here. On Python <= 3.12 the library
 * defines nothing and is never loaded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX >= 0x030D0000
__attribute__((visibility("default")))
PyObject *PyEval_CallObject(PyObject *callable, PyObject *args)
{
    return PyObject_CallObject(callable, args);
}
#endif

static struct PyModuleDef compat_module = {
    PyModuleDef_HEAD_INIT, "_capi_compat",
    "Defines C-API symbols removed from Python that durable-rules still calls.", -1, NULL,
};

PyMODINIT_FUNC PyInit__capi_compat(void)
{
    return PyModule_Create(&compat_module);
}
