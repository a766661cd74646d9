"""The live status pane: the key stores, their keys, the cluster, users per node, sessions,
CloudTrail and the clock, each in its own view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label

from .clock_view import ClockView
from .cluster_view import ClusterView
from .key_stores_view import KeyStoresView
from .kms_keys_view import KmsKeysView
from .lab_view import LabView
from .sessions_view import SessionsView
from .snapshot import Snapshot
from .trail_view import TrailView

VIEWS = (
    ("Custom key stores", KeyStoresView, "key-stores"),
    ("KMS keys", KmsKeysView, "kms-keys"),
    ("Cluster", ClusterView, "cluster"),
    ("Sessions", SessionsView, "sessions"),
    ("CloudTrail", TrailView, "trail"),
)


class StatusPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield ClockView(id="clock")
        yield LabView(id="lab")
        for title, view, name in VIEWS:
            yield Label(title, classes="section-title")
            yield view(id=name)

    def show(self, snapshot: Snapshot) -> None:
        for view in self.query("ClockView, LabView, KeyStoresView, KmsKeysView, ClusterView, SessionsView, TrailView"):
            view.show(snapshot)
