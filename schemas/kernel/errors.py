"""Domain failures. Each has a stable ``code`` and an HTTP status, mapped once in web/shared/errors.py.

``message`` is an English message id; the web layer translates it for the reader (zh-CN by
default). ``details`` lists every problem found, so a form can show them all at once.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Marks a message id for extraction; translation happens where it is shown."""
    return message


class BatonError(Exception):
    code = "error"
    status = 400
    message = N_("The request could not be processed.")

    def __init__(
        self, message: str | None = None, *, details: list[dict[str, Any]] | None = None, **params: Any
    ) -> None:
        self.message = message or type(self).message
        self.details = details or []
        self.params = params
        super().__init__(self.message)


class InvalidCredentials(BatonError):
    code, status, message = "invalid_credentials", 401, N_("Wrong username or password.")


class NotAuthenticated(BatonError):
    code, status, message = "not_authenticated", 401, N_("Please log in.")


class TooManyAttempts(BatonError):
    code, status, message = "too_many_attempts", 429, N_("Too many failed logins. Try again in a few minutes.")


class Forbidden(BatonError):
    code, status, message = "forbidden", 403, N_("You are not allowed to do this.")


class CsrfFailed(BatonError):
    code, status, message = "csrf_failed", 403, N_("The form expired. Reload the page and try again.")


class NotFound(BatonError):
    code, status, message = "not_found", 404, N_("Not found.")


class UsernameTaken(BatonError):
    code, status, message = "username_taken", 409, N_("This username is already taken.")


class InvalidInput(BatonError):
    code, status, message = "invalid_input", 422, N_("Some fields are not valid.")


class EngineUnavailable(BatonError):
    code, status, message = "engine_unavailable", 503, N_("Not recorded: the process engine did not answer. Try again.")


class ActionStillCompleting(BatonError):
    """Not an error: the action is recorded, the engine is finishing it (answered 202)."""

    code, status, message = "action_accepted", 202, N_("Recorded. Baton is still completing it; refresh in a moment.")


class UnknownSetting(BatonError):
    code, status, message = "unknown_setting", 404, N_("There is no company setting with this key.")


class UnknownPolicy(BatonError):
    code, status, message = "unknown_policy", 404, N_("There is no deadline policy with this key.")
