"""The fictional streets of the synthetic county, their postcodes, and vehicles seen on them.

Streets are invented (tree, bird and flower names with the usual suffixes) and spread over six real
postcode districts of a Staffordshire-like county. Postcodes are valid in format: district, space,
sector digit, two unit letters drawn from the letters Royal Mail uses in unit codes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from threadline.synth.tables import table

#: (postcode district, town, sector digits) for the districts the force covers (``districts.csv``).
DISTRICTS: tuple[tuple[str, str, str], ...] = tuple(
    (district, town, sectors) for district, town, sectors in table("districts.csv")
)

#: Letters used in the unit part of a postcode (never C, I, K, M, O or V).
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_PREFIXES = (
    "Acacia Alder Ash Aspen Beech Birch Blackthorn Bramble Cedar Chestnut Cherry Elm Hawthorn "
    "Hazel Holly Juniper Larch Laurel Linden Maple Oak Rowan Willow Yew Foxglove Bluebell "
    "Primrose Heather Lavender Meadow Orchard Brook Mill Church Chapel School Station Market "
    "Bridge Castle Manor Park Kiln Forge Canal Lock Wharf Quarry Pottery Saxon Norman Tudor "
    "Victoria Albert Windsor Nelson Wellington Fairway Highfield Longfield Greenfield "
    "Broadmeadow Westfield Northcote Southbank Kingfisher Heron Swallow Lark Wren Falcon "
    "Kestrel Robin Linnet Plover Curlew Bracken Fern Thistle Clover Sorrel Teasel Cowslip "
    "Harebell Campion Poppy Daisy Tansy Badger Otter Marten Fieldfare Goldcrest Nightingale "
    "Sandpiper Redwing Skylark Woodlark Hornbeam Sycamore Whitebeam Medlar Quince Damson"
).split()

#: Street suffix → the abbreviation a handler types.
SUFFIXES: dict[str, str] = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Close": "Cl",
    "Lane": "Ln",
    "Drive": "Dr",
    "Way": "Wy",
    "Crescent": "Cres",
    "Grove": "Gr",
    "Gardens": "Gdns",
    "Place": "Pl",
    "Court": "Ct",
}

#: House numbers above this become flats in a block on the same street.
MAX_HOUSE_NUMBER = 150


@dataclass(frozen=True, slots=True)
class Street:
    name: str
    suffix: str
    town: str
    district: str
    postcode: str

    @property
    def abbreviated(self) -> str:
        return self.name[: -len(self.suffix)] + SUFFIXES[self.suffix]


def build_streets() -> tuple[Street, ...]:
    """Every street of the county, in a fixed order (the same for every seed)."""
    rng = random.Random(1997)
    combos = [f"{p} {s}" for p in _PREFIXES for s in SUFFIXES]
    rng.shuffle(combos)
    streets = []
    for i, name in enumerate(combos):
        district, town, sectors = DISTRICTS[i % len(DISTRICTS)]
        postcode = (
            f"{district} {rng.choice(sectors)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
        )
        streets.append(Street(name, name.rsplit(" ", 1)[1], town, district, postcode))
    return tuple(streets)


def house_line(street: Street, number: int) -> str:
    """``14 Acacia Road`` or, past the last house number, ``Flat 3, Acacia House, Acacia Road``."""
    if number <= MAX_HOUSE_NUMBER:
        return f"{number} {street.name}"
    block = street.name.rsplit(" ", 1)[0]
    return f"Flat {number - MAX_HOUSE_NUMBER}, {block} House, {street.name}"


#: Workplaces and public places (fictional businesses) where things happen away from home.
WORKPLACES = (
    "Co-op Food",
    "Riverside Retail Park",
    "Kingfisher Medical Centre",
    "Meadowbank Primary School",
    "Chase Leisure Centre",
    "Trentside Business Park",
    "Castle Vets",
    "The Red Lion",
    "Sowbridge Care Home",
    "Greenfield Dental Practice",
    "Market Hall Cafe",
    "Hollybank Garage",
)

PUBLIC_PLACES = (
    "the car park",
    "the bus station",
    "the park",
    "outside the Co-op",
    "the retail park",
    "the junction",
    "the play area",
    "the canal towpath",
    "outside the chip shop",
    "the railway station",
)

CARS: tuple[tuple[str, str], ...] = (
    ("Ford", "Fiesta"),
    ("Ford", "Focus"),
    ("Ford", "Kuga"),
    ("Vauxhall", "Corsa"),
    ("Vauxhall", "Astra"),
    ("Volkswagen", "Golf"),
    ("Volkswagen", "Polo"),
    ("Nissan", "Qashqai"),
    ("Nissan", "Juke"),
    ("Toyota", "Yaris"),
    ("Toyota", "Corolla"),
    ("BMW", "3 Series"),
    ("Audi", "A3"),
    ("Kia", "Sportage"),
    ("Peugeot", "208"),
    ("Mini", "Hatch"),
    ("Mercedes-Benz", "A-Class"),
    ("Hyundai", "Tucson"),
    ("Skoda", "Octavia"),
    ("Renault", "Clio"),
    ("Land Rover", "Discovery"),
)
COLOURS = ("black", "white", "silver", "grey", "blue", "red", "green")

#: Memory tags (the first two letters of a registration) for this part of England.
MEMORY_TAGS = (
    "FA FB FC FD FE FF FG FH FJ FK FL FM FN FP FR FS FT FV FW FX FY "
    "BA BB BC BD BE BF BG BH BJ BK BL BM BN BP BR BS BT BU BV BW BX BY"
).split()
AGE_IDENTIFIERS = (
    "58 09 59 10 60 11 61 12 62 13 63 14 64 15 65 16 66 17 67 18 68 19 69 20 70 21 71 22 72 23 73"
).split()
REG_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"  # no I or Q in the random part


def registration(code: int) -> str:
    """A current-format UK registration (``FD19 XKT``) chosen by an integer code."""
    tag = MEMORY_TAGS[code % len(MEMORY_TAGS)]
    code //= len(MEMORY_TAGS)
    age = AGE_IDENTIFIERS[code % len(AGE_IDENTIFIERS)]
    code //= len(AGE_IDENTIFIERS)
    n = len(REG_LETTERS)
    letters = (
        REG_LETTERS[code % n] + REG_LETTERS[(code // n) % n] + REG_LETTERS[(code // n // n) % n]
    )
    return f"{tag}{age} {letters}"
