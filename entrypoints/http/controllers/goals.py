"""Goals over HTTP: two-week and long-term goals, their progress, checklist and history."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from domains.goals.model import Goal
from domains.goals.use_cases import GoalsService
from domains.identity.model import Principal
from domains.shared.errors import NotFound
from domains.shared.ids import is_id
from entrypoints.http.openapi import beyond_schema, responses
from entrypoints.http.schemas.goals import (
    GoalCreate,
    GoalEventRead,
    GoalRead,
    GoalUpdate,
    ItemCreate,
    ItemUpdate,
    ProgressUpdate,
)
from entrypoints.http.schemas.unset import given

Goals = NamedDependency[GoalsService]
CurrentUser = NamedDependency[Principal]
GoalId = Annotated[str, PathParameter(max_length=64, format="uuid")]
ItemId = Annotated[str, PathParameter(max_length=64, format="uuid")]
Status = Annotated[Literal["active", "completed", "all"], QueryParameter()]
Horizon = Annotated[Literal["two_week", "long_term"] | None, QueryParameter()]
Limit = Annotated[int, QueryParameter(ge=1, le=500)]


def _id(value: str, what: str) -> str:
    if not is_id(value):
        raise NotFound(f"no such {what}")
    return value


async def _read(goals: GoalsService, user_id: str, goal: Goal) -> GoalRead:
    return GoalRead.of(goal, await goals.today(user_id))


class GoalsController(Controller):
    path = "/goals"
    tags = ["goals"]

    @post(
        "/",
        operation_id="createGoal",
        status_code=201,
        responses=responses(401, 403, 409, 422),
        opt=beyond_schema(
            "only a counter goal takes a `target` (and needs one); only a checklist has `items`",
            "a two-week goal is due 13 days after it starts; a long-term goal's `due_date` is "
            "after its start and at most ten years away",
        ),
    )
    async def create(
        self, data: JSONBody[GoalCreate], goals: Goals, principal: CurrentUser
    ) -> GoalRead:
        """A percentage goal runs 0-100; a counter needs a `target`; a checklist takes `items`.
        A two-week goal is due 13 days after today; a long-term goal may set `due_date`."""
        goal = await goals.create(
            principal.user_id,
            title=data.title,
            horizon=data.horizon,
            kind=data.kind,
            description=data.description,
            target=data.target,
            items=data.items,
            due_date=data.due_date,
        )
        return await _read(goals, principal.user_id, goal)

    @get("/", responses=responses(401))
    async def list_goals(
        self,
        goals: Goals,
        principal: CurrentUser,
        status: Status = "active",
        horizon: Horizon = None,
    ) -> list[GoalRead]:
        """Newest first. `status=completed` is the history of goals met."""
        found = await goals.goals(principal.user_id, status=status, horizon=horizon)
        today = await goals.today(principal.user_id)
        return [GoalRead.of(g, today) for g in found]

    @get("/{goal_id:str}", operation_id="getGoal", responses=responses(401, 404))
    async def goal(self, goals: Goals, principal: CurrentUser, goal_id: GoalId) -> GoalRead:
        """One goal with its items and progress."""
        goal = await goals.goal(principal.user_id, _id(goal_id, "goal"))
        return await _read(goals, principal.user_id, goal)

    @patch("/{goal_id:str}", operation_id="updateGoal", responses=responses(401, 403, 404, 422))
    async def edit(
        self, data: JSONBody[GoalUpdate], goals: Goals, principal: CurrentUser, goal_id: GoalId
    ) -> GoalRead:
        """Change the title, description, a counter's target, or a long-term goal's due date
        (null removes it)."""
        due = data.due_date
        goal = await goals.edit(
            principal.user_id,
            _id(goal_id, "goal"),
            title=given(data.title),
            description=given(data.description),
            target=given(data.target),
            due_date=given(due),
            clear_due_date=due is None,
        )
        return await _read(goals, principal.user_id, goal)

    @delete("/{goal_id:str}", status_code=HTTP_204_NO_CONTENT, responses=responses(401, 403, 404))
    async def delete_goal(self, goals: Goals, principal: CurrentUser, goal_id: GoalId) -> None:
        """Delete a goal with its items and history."""
        await goals.delete(principal.user_id, _id(goal_id, "goal"))

    @post(
        "/{goal_id:str}/progress",
        operation_id="recordGoalProgress",
        status_code=200,
        responses=responses(401, 403, 404, 422),
        opt=beyond_schema(
            "exactly one of `value` and `delta` is sent",
            "the goal is a percentage or counter goal (a checklist moves by checking its items)",
        ),
    )
    async def progress(
        self,
        data: JSONBody[ProgressUpdate],
        goals: Goals,
        principal: CurrentUser,
        goal_id: GoalId,
    ) -> GoalRead:
        """Set `value` or add `delta` to a percentage or counter goal; reaching the target
        completes it."""
        goal = await goals.update_progress(
            principal.user_id, _id(goal_id, "goal"), value=data.value, delta=data.delta
        )
        return await _read(goals, principal.user_id, goal)

    @post(
        "/{goal_id:str}/complete",
        operation_id="completeGoal",
        status_code=200,
        responses=responses(401, 403, 404),
    )
    async def complete(self, goals: Goals, principal: CurrentUser, goal_id: GoalId) -> GoalRead:
        """Mark the goal met, whatever its progress."""
        goal = await goals.complete(principal.user_id, _id(goal_id, "goal"))
        return await _read(goals, principal.user_id, goal)

    @post(
        "/{goal_id:str}/reopen",
        operation_id="reopenGoal",
        status_code=200,
        responses=responses(401, 403, 404),
    )
    async def reopen(self, goals: Goals, principal: CurrentUser, goal_id: GoalId) -> GoalRead:
        """Reopen a completed goal."""
        goal = await goals.reopen(principal.user_id, _id(goal_id, "goal"))
        return await _read(goals, principal.user_id, goal)

    @post(
        "/{goal_id:str}/items",
        operation_id="addGoalItem",
        status_code=201,
        responses=responses(401, 403, 404, 409, 422),
    )
    async def add_item(
        self, data: JSONBody[ItemCreate], goals: Goals, principal: CurrentUser, goal_id: GoalId
    ) -> GoalRead:
        """Add a checklist item to a goal."""
        goal = await goals.add_item(principal.user_id, _id(goal_id, "goal"), data.text)
        return await _read(goals, principal.user_id, goal)

    @patch(
        "/{goal_id:str}/items/{item_id:str}",
        operation_id="updateGoalItem",
        responses=responses(401, 403, 404, 422),
    )
    async def update_item(
        self,
        data: JSONBody[ItemUpdate],
        goals: Goals,
        principal: CurrentUser,
        goal_id: GoalId,
        item_id: ItemId,
    ) -> GoalRead:
        """Check or uncheck an item, or change its text."""
        goal = await goals.update_item(
            principal.user_id,
            _id(goal_id, "goal"),
            _id(item_id, "checklist item"),
            text=data.text,
            done=data.done,
        )
        return await _read(goals, principal.user_id, goal)

    @delete(
        "/{goal_id:str}/items/{item_id:str}",
        operation_id="removeGoalItem",
        status_code=200,
        responses=responses(401, 403, 404, 422),
    )
    async def remove_item(
        self, goals: Goals, principal: CurrentUser, goal_id: GoalId, item_id: ItemId
    ) -> GoalRead:
        """Remove a checklist item from a goal."""
        goal = await goals.remove_item(
            principal.user_id, _id(goal_id, "goal"), _id(item_id, "checklist item")
        )
        return await _read(goals, principal.user_id, goal)

    @get("/{goal_id:str}/history", operation_id="getGoalHistory", responses=responses(401, 404))
    async def history(
        self, goals: Goals, principal: CurrentUser, goal_id: GoalId, limit: Limit = 100
    ) -> list[GoalEventRead]:
        """What happened to the goal, newest first."""
        events = await goals.history(principal.user_id, _id(goal_id, "goal"), limit)
        return [GoalEventRead.of(e) for e in events]
