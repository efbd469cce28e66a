"""The price list: the logistics services orders are made of, each with its list and floor price
and how much of it can be booked on one day (API.md ``/api/services``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from schemas.kernel.errors import N_, BatonError
from schemas.kernel.money import MoneyOut, Price

# An order line's quantity and a service's capacity per day, at the most.
MAX_QUANTITY = 1_000_000


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=100)
    unit: str = Field(min_length=1, max_length=20)
    list_price: Price
    floor_price: Price
    capacity_per_day: int = Field(gt=0, le=MAX_QUANTITY)

    @model_validator(mode="after")
    def floor_under_list(self) -> ServiceIn:
        if self.floor_price > self.list_price:
            raise PydanticCustomError("floor_above_list", "The floor price cannot be above the list price.")
        return self


class ServiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    unit: str
    list_price: MoneyOut
    floor_price: MoneyOut
    capacity_per_day: int


# ---------------------------------------------------------------- errors
class ServiceCodeTaken(BatonError):
    code, status, message = "service_code_taken", 409, N_("A service with this code exists.")
