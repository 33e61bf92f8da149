"""The Dashboard XML routes under today's `/api/v2` base as well as under `/api`.

Done once over the route table, so every Dashboard route, including ones added later, answers
at both bases with the same handler.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Route

_DASHBOARD_PREFIXES = ("/api/accounts/", "/api/tns/")


def with_v2_aliases(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """`routes` plus, for each Dashboard route under /api, the same route under /api/v2."""
    aliased: list[BaseRoute] = list(routes)
    for route in routes:
        if isinstance(route, Route) and route.path.startswith(_DASHBOARD_PREFIXES):
            aliased.append(
                Route(
                    "/api/v2" + route.path[len("/api") :],
                    route.endpoint,
                    methods=sorted(route.methods or ()),
                    name=None if route.name is None else route.name + "_v2",
                )
            )
    return aliased
