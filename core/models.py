"""What the floor itself stores: the audit trail of history redactions and the tokens of
forms already submitted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HistoryRedaction(models.Model):
    """An administrator removed a text from an object's history (personal data typed by
    mistake). The text itself is not kept: only where it was and how many rows changed."""

    model = models.CharField(_("model"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=40)
    fields = models.CharField(_("fields"), max_length=500)
    rows = models.PositiveIntegerField(_("history rows changed"))
    text_length = models.PositiveIntegerField(_("length of the removed text"))
    reason = models.CharField(_("reason"), max_length=500)
    performed_by = models.CharField(_("performed by"), max_length=150)
    performed_at = models.DateTimeField(_("performed at"), auto_now_add=True)

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("history redaction")
        verbose_name_plural = _("history redactions")

    def __str__(self):
        return f"{self.model} {self.object_id}: {self.rows} ({self.performed_at:%Y-%m-%d})"


class Submission(models.Model):
    """A form that was posted and saved, by its one-time token: posting it again (a double
    click, a reload, a second tab) answers with the first result instead of saving twice."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    result_url = models.CharField(_("result address"), max_length=500)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return f"{self.token} → {self.result_url}"


class RevisionNumber(models.Model):
    """A revision's number, raised by the triggers of `core.revision`, and its epoch, new
    whenever the row is created again (a flushed database), so that numbers of an earlier
    database never match."""

    number = models.BigIntegerField(pgettext_lazy("database revision", "number"), default=0)
    epoch = models.CharField(pgettext_lazy("database revision", "epoch"), max_length=32)

    class Meta:
        abstract = True


class Revision(RevisionNumber):
    """The database's revisions: row 1 is raised by every committed write (database triggers
    on every table a page shows, `core.revision`), row 2 by writes to what every pilot's pages
    show; a page rendered at a revision is known to be current while the number stays."""

    class Meta:
        verbose_name = _("database revision")
        verbose_name_plural = _("database revisions")

    def __str__(self):
        return f"{self.epoch}.{self.number}"


class PilotRevision(RevisionNumber):
    """A pilot's revision: raised by every committed write to a row of the pilot's own (its
    plans, lines, pools, service points…; `core.revision.PILOT_TABLES`), so a page of one pilot
    stays current while other pilots are written. No foreign key: a row outlives its pilot,
    and the triggers need no lock on the pilot."""

    pilot_id = models.BigIntegerField(pgettext_lazy("database revision", "pilot"), primary_key=True)

    class Meta:
        verbose_name = _("pilot's revision")
        verbose_name_plural = _("pilots' revisions")

    def __str__(self):
        return f"{self.pilot_id}:{self.epoch}.{self.number}"
