"""The lab under way: its objectives, ✓ or ✗, live; any guard the trainee broke; the time on
the lab (in an exam, the time left); and the trainee's progress.  An exam shows no title and
no objective's words, only which of its causes are repaired."""

from __future__ import annotations

from rich.text import Text

from .snapshot import LabBlock, Snapshot
from .view import View


def clock_text(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


class LabView(View):
    lab: LabBlock | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)  # the timer moves though the world does not

    def _tick(self) -> None:
        if self.lab is not None and self.lab.started:
            self._draw()

    def show(self, snapshot: Snapshot) -> None:
        self.lab = snapshot.lab
        self.display = self.lab is not None
        self._draw()

    def _draw(self) -> None:
        lab = self.lab
        if lab is None:
            self.present("")
            return
        if lab.problem:
            self.present(Text(f"⚠ {lab.problem}", style="bold red"))
            return
        if lab.exam:
            text = Text.assemble(("Exam", "bold"), (f"  {self._timer(lab)}\n", "grey62"))
        else:
            text = Text.assemble(("Lab ", "bold"), (lab.title, "bold"), (f"  ({lab.name})\n", "grey62"))
            if lab.started:
                text.append(f"{self._timer(lab)}\n", style="grey62")
        if lab.progress:
            text.append(_progress(lab.progress) + "\n", style="grey62")
        for title, holds in lab.objectives:
            text.append("✓ " if holds else "✗ ", style="green" if holds else "red")
            text.append(title + ((" repaired" if holds else " not repaired yet") if lab.exam else "") + "\n")
        for title in lab.broken_guards:
            text.append(f"✗ BROKEN: {title}\n", style="bold red")
        if all(holds for _, holds in lab.objectives) and not lab.broken_guards:
            text.append("All causes repaired." if lab.exam else "All objectives hold.", style="bold green")
        text.rstrip()
        self.present(text)

    @staticmethod
    def _timer(lab: LabBlock) -> str:
        from hsmshell.labs.ledger import wall_clock

        now = wall_clock()
        if lab.deadline is None:
            return f"⏲ {clock_text(now - lab.started)} on this lab"
        left = lab.deadline - now
        return f"⏳ {clock_text(left)} left" if left > 0 else "⏳ time is up: a check now fails"


def _progress(progress) -> str:
    if progress.problem:
        return f"{progress.trainee}: ⚠ {progress.problem}"
    return f"{progress.trainee}: labs done {progress.labs_done}, attempted {progress.labs_attempted}"
