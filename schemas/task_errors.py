"""Why an action on a task was refused; raised by the web layer from the workflow's verdict."""

from __future__ import annotations

from schemas.kernel.errors import N_, BatonError


class NotYourTask(BatonError):
    code, status, message = "not_your_task", 403, N_("This task is not yours.")


class TaskClosed(BatonError):
    code, status, message = "task_closed", 409, N_("This task is already closed.")


class TaskClaimed(BatonError):
    code, status, message = "task_claimed", 409, N_("Someone else has claimed this task.")


class NotClaimable(BatonError):
    code, status, message = "not_claimable", 409, N_("Only tasks for a role can be claimed.")


class TaskNotReady(BatonError):
    code, status, message = "task_not_ready", 409, N_("This task is still being set up. Try again in a moment.")


class InvalidAction(BatonError):
    code, status, message = "invalid_action", 422, N_("Unknown action for this task.")


class TaskIncomplete(BatonError):
    code, status, message = "task_incomplete", 422, N_("Some required information is missing.")


# The workflow validator's ApplicationError.type → the error the caller sees.
BY_WORKFLOW_TYPE: dict[str, type[BatonError]] = {
    "not_your_task": NotYourTask,
    "task_closed": TaskClosed,
    "task_claimed": TaskClaimed,
    "not_claimable": NotClaimable,
    "task_not_found": TaskNotReady,
    "invalid_action": InvalidAction,
    "task_incomplete": TaskIncomplete,
}


# ---------------------------------------------------------------- evidence uploads
class UploadTooLarge(BatonError):
    code, status, message = "too_large", 413, N_("The file is larger than the upload limit.")


class FileTypeNotAllowed(BatonError):
    code, status, message = (
        "type_not_allowed",
        415,
        N_("This file type is not allowed. Upload a PDF, image, Office document, text, CSV, ZIP or e-mail file."),
    )


class EmptyUpload(BatonError):
    code, status, message = "empty_file", 422, N_("The file is empty.")


class UnreadableUpload(BatonError):
    code, status, message = "bad_upload", 400, N_("The upload could not be read. Choose the file and try again.")
