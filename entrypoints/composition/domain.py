"""What a domain's sub-container declares so that registering the domain is one line in the
root container (`Application`): the entry points find its services and its export/erasure
contributor from the declaration, with no list of domains kept anywhere else."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from dependency_injector import containers, providers


class Domain(containers.DeclarativeContainer):
    """A domain's sub-container. `edge` maps the name a handler's parameter asks for to the
    provider in this container that answers it (`{"habits": "service"}`); a provider named
    `user_data` is the domain's export/erasure contributor, which account export and
    deletion walk."""

    edge: ClassVar[Mapping[str, str]] = {}


def contributors(namespace: Mapping[str, Any]) -> list[Any]:
    """The `user_data` providers of the domains declared in a container's class body so far
    (pass `locals()`), in declaration order: the export lists domains in that order."""
    return [
        provider.user_data
        for provider in namespace.values()
        if isinstance(provider, providers.Container) and "user_data" in provider.container.providers
    ]


def edge_providers(container: containers.Container) -> Iterator[tuple[str, Any]]:
    """Each (name, provider) the domains of a built root container offer the entry points."""
    for provider in container.providers.values():
        if not isinstance(provider, providers.Container):
            continue
        declared = provider.container.declarative_parent
        for name, attribute in getattr(declared, "edge", {}).items():
            yield name, getattr(provider, attribute)
