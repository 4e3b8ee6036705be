"""Registering a domain is declaring its sub-container in the root: its services reach the
handlers and its export/erasure contributor joins account export with no other list edited."""

from __future__ import annotations

import json
from pathlib import Path

from dependency_injector import containers, providers

from entrypoints.composition.containers import Application
from entrypoints.composition.domain import Domain, contributors, edge_providers
from entrypoints.http.app import openapi_document
from entrypoints.settings import Settings


class Birdwatching(Domain):
    edge = {"birdwatching": "service"}

    service = providers.Singleton(dict, kind="sightings")
    user_data = providers.Singleton(list)


class Quiet(Domain):
    edge = {"quiet": "service"}

    service = providers.Singleton(object)


class Root(containers.DeclarativeContainer):
    quiet = providers.Container(Quiet)
    birdwatching = providers.Container(Birdwatching)
    user_data = providers.List(*contributors(locals()))


def test_a_declared_domain_offers_its_service_and_joins_export() -> None:
    root = Root()
    offered = dict(edge_providers(root))
    assert offered.keys() == {"quiet", "birdwatching"}
    assert offered["birdwatching"]() == {"kind": "sightings"}
    assert root.user_data() == [[]]


def test_every_domain_with_user_data_is_exported(tmp_path: Path) -> None:
    root = Application(
        settings=Settings(profile="embedded", data_dir=tmp_path).with_local_secrets()
    )
    exported = {type(c).__name__ for c in root.user_data()}
    for name in ("Journal", "Study", "Pomodoro", "Habits", "Breathing", "Mood", "Goals"):
        assert any(e.startswith(name) for e in exported), name
    assert {"identity_sessions", "habits", "journal_entries", "study_reviews", "calendar"} <= dict(
        edge_providers(root)
    ).keys()


def test_no_service_a_handler_asks_for_became_a_query_parameter() -> None:
    """Litestar reads a handler parameter it has no dependency for as a query parameter, so a
    service missing from the edge would show up in the document as `?habits=`."""
    settings = Settings(profile="embedded")
    names = dict(edge_providers(Application(settings=settings))).keys()
    document = json.loads(openapi_document())
    leaked = {
        (path, p["name"])
        for path, item in document["paths"].items()
        for operation in item.values()
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p["name"] in names
    }
    assert not leaked
