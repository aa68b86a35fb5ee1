"""Duplicate submissions are harmless: a create form carries a one-time token.

The view records the token in the same transaction as what the form created, with the
address of the result. Posting the token again (a double click, a reload, a second tab)
answers with that address and creates nothing. Two concurrent posts of one token are
serialised by the token's unique constraint: the later insert fails, its transaction (with
what it created) is rolled back, and it answers with the first one's result.
"""

from __future__ import annotations

import uuid

from django import forms
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from .models import Submission

FIELD = "submission"


class AlreadySubmitted(Exception):
    """The token was used: `result_url` is the address of the first submission's result."""

    def __init__(self, result_url: str):
        self.result_url = result_url
        super().__init__(result_url)


def with_token(form: forms.BaseForm) -> forms.BaseForm:
    """Add the hidden one-time token to `form` (a new one for an unbound form; a bound form
    keeps the posted one). Crispy layouts render it as an unmentioned hidden field."""
    form.fields[FIELD] = forms.UUIDField(
        widget=forms.HiddenInput, required=False, initial=uuid.uuid4
    )
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper.render_hidden_fields = True
    return form


def token_field(prefix: str | None = None) -> str:
    """The token's name in a POST of a form with `prefix`."""
    return f"{prefix}-{FIELD}" if prefix else FIELD


def posted_token(data, field: str = FIELD) -> uuid.UUID | None:
    """The token a POST carries in `field`, None when it has none (or not a valid one)."""
    try:
        return uuid.UUID(str(data.get(field, "")))
    except ValueError:
        return None


def previous_result(token: uuid.UUID | None, user) -> str | None:
    """The result address of the submission saved with `token`, None when there is none."""
    if token is None:
        return None
    return (
        Submission.objects.filter(token=token, user=user)
        .values_list("result_url", flat=True)
        .first()
    )


def record(token: uuid.UUID | None, user, result_url: str) -> None:
    """Record `token` with `result_url`, inside the transaction that saves the result;
    `AlreadySubmitted` (roll that transaction back) when a concurrent post of the same token
    was saved first. The insert waits for that post's transaction to end."""
    if token is None:
        return
    try:
        with transaction.atomic():
            Submission.objects.create(token=token, user=user, result_url=result_url)
    except IntegrityError:
        raise AlreadySubmitted(previous_result(token, user) or "") from None


class OnceOnlyFormMixin:
    """For a create FormView whose valid post saves and redirects to the result: the form
    carries a token, and a repeated post of it redirects to the first result unsaved."""

    def get_form(self, form_class=None):
        return with_token(super().get_form(form_class))

    def submission_token(self) -> uuid.UUID | None:
        return posted_token(self.request.POST, token_field(self.get_prefix()))

    def post(self, request, *args, **kwargs):
        token = self.submission_token()
        done = previous_result(token, request.user)
        if done is not None:
            return redirect(done)
        try:
            with transaction.atomic():
                response = super().post(request, *args, **kwargs)
                if response.status_code == 302:  # saved; a form with errors answers 200
                    record(token, request.user, response.url)
        except AlreadySubmitted as first:
            return redirect(first.result_url)
        return response
