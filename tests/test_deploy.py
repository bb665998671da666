"""The deployment files agree with the code: every setting they give is one the code reads, and every
command they run exists."""

from __future__ import annotations

import importlib.util
import re

import yaml

from bot.config import PROJECT_ROOT

KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
# Settings read outside bot.config: Rasa's endpoints file, the action server's own options, Rasa itself.
READ_ELSEWHERE = {"ACTION_SERVER_HOST", "RASA_TELEMETRY_ENABLED", "REDIS_HOST", "REDIS_PORT"}


def settings_the_code_reads() -> set:
    code = (PROJECT_ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    endpoints = (PROJECT_ROOT / "endpoints.prod.yml").read_text(encoding="utf-8")
    return (set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z_]+)"', code))
            | set(re.findall(r"\$\{([A-Z_]+)\}", endpoints)) | READ_ELSEWHERE)


def documents():
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            yield path.name, document


def environment_names(document) -> set:
    names = set()
    if isinstance(document, dict):
        if document.get("kind") == "ConfigMap":
            names |= set(document["data"])
        for key, value in document.items():
            if key in ("env", "extraEnv") and isinstance(value, list):
                names |= {item["name"] for item in value}
            else:
                names |= environment_names(value)
    elif isinstance(document, list):
        for item in document:
            names |= environment_names(item)
    return names


def commands(document) -> list:
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            found += [value] if key == "command" else commands(value)
    elif isinstance(document, list):
        for item in document:
            found += commands(item)
    return found


def test_every_setting_given_to_the_containers_is_read_by_the_code():
    known = settings_the_code_reads()
    for name, document in documents():
        assert environment_names(document) - known == set(), name


def test_every_python_module_the_containers_run_exists():
    modules = []
    for _name, document in documents():
        for command in commands(document):
            text = " ".join(command)
            modules += re.findall(r"python -m ([\w.]+)", text)
    assert modules and all(importlib.util.find_spec(module) for module in modules), modules


def test_the_secret_names_in_the_runbook_are_the_ones_the_manifests_use():
    runbook = (PROJECT_ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    used = set()
    for _name, document in documents():
        used |= {item["valueFrom"]["secretKeyRef"]["key"] for item in _secret_refs(document)}
    assert used and all(f"--from-literal={key}=" in runbook for key in used), used


def _secret_refs(document) -> list:
    refs = []
    if isinstance(document, dict):
        if "secretKeyRef" in (document.get("valueFrom") or {}):
            refs.append(document)
        for value in document.values():
            refs += _secret_refs(value)
    elif isinstance(document, list):
        for item in document:
            refs += _secret_refs(item)
    return refs
