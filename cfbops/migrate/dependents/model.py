"""What the keeper saves before a drop, and what it reports after re-creating it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Grant:
    privilege: str  # SELECT, EXECUTE, …
    grantee: str  # a role name, or PUBLIC
    grantable: bool = False


@dataclass(frozen=True, slots=True)
class SavedColumn:
    name: str
    type_name: str
    family: str  # PostgreSQL's type category: N numeric, S string, D date/time, A… arrays
    comment: str | None = None
    grants: tuple[Grant, ...] = ()
    default: str | None = None


@dataclass(frozen=True, slots=True)
class SavedPart:
    """An index, trigger or rule of a saved relation, as the statement that re-creates it."""

    kind: str  # index | trigger | rule
    name: str
    statement: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class SavedObject:
    """A dependent no file of the run re-creates, saved whole before a drop takes it."""

    name: str  # schema.name
    kind: str  # view | materialized view | function | procedure
    definition: str  # the SELECT of a view; the whole CREATE statement of a function
    owner: str
    comment: str | None = None
    grants: tuple[Grant, ...] = ()
    explicit_grants: bool = True  # a function's: False keeps PUBLIC's default EXECUTE
    columns: tuple[SavedColumn, ...] = ()
    populated: bool = True
    reloptions: tuple[tuple[str, str], ...] = ()
    tablespace: str | None = None
    parts: tuple[SavedPart, ...] = ()
    arguments: str = ""  # a function's identity arguments
    reads: tuple[tuple[str, str], ...] = ()  # (relation, column) its definition reads
    after: tuple[str, ...] = ()  # saved objects it reads: re-created before it
    dropped_by: str = ""  # file:line of the drop that reaches it
    via: str = ""  # the dropped object it hangs on

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True, slots=True)
class LostDependent:
    """A saved dependent that could not be re-created, and why."""

    name: str
    kind: str
    dropped_by: str
    via: str
    missing: tuple[tuple[str, str], ...] = ()  # (relation, column) it reads and that is gone
    gone: tuple[str, ...] = ()  # relations it reads that no longer exist
    inputs_lost: tuple[str, ...] = ()  # saved objects it reads that cannot come back either
    retyped: tuple[str, ...] = ()  # its columns that came back in another type family
    error: str = ""

    def reason(self) -> str:
        if self.missing:
            columns = ", ".join(f"{relation}.{column}" for relation, column in self.missing)
            return f"it reads {columns}, which the new definition lacks"
        if self.inputs_lost:
            return f"it reads {', '.join(self.inputs_lost)}, which cannot be re-created either"
        if self.gone:
            return f"it reads {', '.join(self.gone)}, which no longer exists"
        if self.retyped:
            return f"its columns would change type family: {', '.join(self.retyped)}"
        return self.error

    def message(self) -> str:
        return (
            f"{self.kind} {self.name} (not created by any cfbops file) cannot be re-created "
            f"after the drop of {self.via} at {self.dropped_by}: {self.reason()}. Keep what it "
            f"reads in the new definition, or accept its loss with --drop-dependent {self.name}"
        )


class DependentsLost(Exception):
    """A drop would lose objects cfbops does not own: the transaction must roll back."""

    def __init__(self, lost: tuple[LostDependent, ...]) -> None:
        super().__init__(lost[0].message())
        self.lost = lost


@dataclass(frozen=True, slots=True)
class KeptSummary:
    """A run's account of the objects it does not own."""

    recreated: tuple[str, ...] = ()  # "kind name": saved and re-created
    dropped: tuple[str, ...] = ()  # dropped because --drop-dependent named them
    carried: tuple[str, ...] = ()  # grants and indexes given to objects the run re-created
    not_carried: tuple[str, ...] = ()  # … and those it could not give, with the reason


@dataclass(slots=True)
class KeptReport:
    """Per transaction: what was saved and re-created, what the run was told to drop."""

    recreated: list[SavedObject] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # --drop-dependent: dropped on request
    lost: list[LostDependent] = field(default_factory=list)
