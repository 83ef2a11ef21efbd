"""Business operations of the stores app, by sub-domain:

- `stores`: open, edit, delete or deactivate a store (its territory with it);
- `hours`: the weekly opening hours and their check;
- `contracts`: the settlement terms, as versions valid from a date;
- `staff`: the accounts and posts of store managers and guides;
- `stock`: what a store has on hand;
- `offerings`: the bookable services a store offers, and their capacities;
- `locks`: the store row lock every write above takes first.

The public names are re-exported here: `from stores import services` and
`from stores.services import X` are how callers use them.
"""

from stores.services.contracts import ContractChange, ContractTerms, change_contract
from stores.services.hours import validate_opening_hours
from stores.services.offerings import ServiceOffering, set_store_services
from stores.services.staff import STAFF_CODE_ALPHABET, STAFF_CODE_PREFIX, create_staff
from stores.services.stock import StockLevel, set_stock
from stores.services.stores import (
    DISTRICT_CODE,
    TIMEZONES,
    StoreInput,
    check_store_input,
    create_store,
    delete_store,
    edit_store,
    store_input_of,
    update_store,
)

__all__ = [
    "DISTRICT_CODE",
    "STAFF_CODE_ALPHABET",
    "STAFF_CODE_PREFIX",
    "TIMEZONES",
    "ContractChange",
    "ContractTerms",
    "ServiceOffering",
    "StockLevel",
    "StoreInput",
    "change_contract",
    "check_store_input",
    "create_staff",
    "create_store",
    "delete_store",
    "edit_store",
    "set_stock",
    "set_store_services",
    "store_input_of",
    "update_store",
    "validate_opening_hours",
]
