"""The synthetic force as a whole: valid records, determinism, truth, scenarios, traps, noise."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from threadline.model import parse_record
from threadline.synth import PROFILES, NoiseRates, SynthConfig, generate_force
from threadline.synth.names import NICKNAMES
from threadline.synth.population import Population

RECORD_FILES = ("incidents.jsonl", "crimes.jsonl", "orders.jsonl", "assessments.jsonl")
DRAMA = re.compile(r"^07700900\d{3}$")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class Force:
    """A generated force loaded back: records by file, truth lines by ref, truth.json."""

    def __init__(self, folder: Path, seed: int, incidents: int, config: SynthConfig) -> None:
        self.folder = folder
        self.summary = generate_force(folder, incidents, seed, config)
        self.records = {name: read_jsonl(folder / name) for name in RECORD_FILES}
        self.truth_lines = {t["ref"]: t for t in read_jsonl(folder / "truth_mentions.jsonl")}
        self.truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        self.population = Population(
            seed, self.truth["population"]["background_households"], config.start.year
        )

    def true_person(self, pid: str) -> dict | None:
        """The true name, DOB and address of a person id (None for an unknown ``U`` person)."""
        if pid in self.truth["people"]:
            return self.truth["people"][pid]
        if pid.startswith("U"):
            return None
        hh, member = pid[1:].split(".")
        return self.population.resident(int(hh), int(member)).truth()

    def mentions(self):
        """Every (record, mention, truth entry) in incidents and crimes."""
        for name in ("incidents.jsonl", "crimes.jsonl"):
            for record in self.records[name]:
                truth = self.truth_lines[record["ref"]]
                for mention, entry in zip(record["people"], truth["people"], strict=True):
                    yield record, mention, entry

    def every_mention(self):
        """Every (record, mention, truth entry) in all four record files."""
        yield from self.mentions()
        for record in self.records["orders.jsonl"]:
            truth = self.truth_lines[record["ref"]]
            yield record, record["respondent"], truth["respondent"]
            for mention, entry in zip(record["protected"], truth["protected"], strict=True):
                yield record, mention, entry
        for record in self.records["assessments.jsonl"]:
            yield record, record["subject"], self.truth_lines[record["ref"]]["subject"]


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Force:
    return Force(tmp_path_factory.mktemp("force"), 11, 2000, SynthConfig())


@pytest.fixture(scope="module")
def big_force(tmp_path_factory: pytest.TempPathFactory) -> Force:
    return Force(tmp_path_factory.mktemp("big"), 5, 5000, SynthConfig())


def test_every_record_passes_the_import_schema(force: Force) -> None:
    kinds = Counter()
    for name in RECORD_FILES:
        for raw in force.records[name]:
            kinds[parse_record(raw).kind] += 1
    assert kinds["incident"] == 2000 == force.summary.incidents
    assert kinds["crime"] == force.summary.crimes > 0
    assert kinds["order"] == force.summary.orders >= 1
    assert kinds["risk_assessment"] == force.summary.assessments > 0


def test_incidents_are_in_reported_order_with_unique_refs(force: Force) -> None:
    incidents = force.records["incidents.jsonl"]
    times = [parse_record(r).reported_at for r in incidents]
    assert times == sorted(times)
    refs = [r["ref"] for r in incidents]
    assert len(set(refs)) == len(refs)


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    generate_force(tmp_path / "a", 800, 3)
    generate_force(tmp_path / "b", 800, 3)
    generate_force(tmp_path / "c", 800, 4)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_truth_covers_every_mention_of_every_record(force: Force) -> None:
    for name in RECORD_FILES:
        for record in force.records[name]:
            truth = force.truth_lines[record["ref"]]
            if record["kind"] in ("incident", "crime"):
                assert len(truth["people"]) == len(record["people"])
                assert all(entry["person"] for entry in truth["people"])
            elif record["kind"] == "order":
                assert truth["respondent"]["person"]
                assert len(truth["protected"]) == len(record["protected"])
            else:
                assert truth["subject"]["person"]
    total = sum(len(r["people"]) for n in ("incidents.jsonl", "crimes.jsonl")
                for r in force.records[n])  # fmt: skip
    total += sum(1 + len(r["protected"]) for r in force.records["orders.jsonl"])
    total += len(force.records["assessments.jsonl"])
    assert total == force.summary.mentions


def test_ex_partner_series_is_shaped_like_the_case(force: Force) -> None:
    series = [s for s in force.truth["series"] if s["kind"] == "ex_partner_stalking"]
    assert len(series) == 1
    ex = series[0]
    assert len(ex["incident_refs"]) >= 30
    [order] = [o for o in force.truth["orders"] if o["series"] == ex["id"]]
    assert order["order_type"] == "non_molestation"
    assert order["respondent"] == ex["suspects"][0]
    assert order["protected"] == ex["victims"]
    assert len(order["breach_refs"]) == 7
    incidents = {r["ref"]: r for r in force.records["incidents.jsonl"]}
    for ref in order["breach_refs"]:
        assert ref in ex["incident_refs"]
        assert (
            parse_record(incidents[ref]).reported_at.date()
            > parse_record(
                next(o for o in force.records["orders.jsonl"] if o["ref"] == order["ref"])
            ).starts
        )
    suspect = ex["suspects"][0]
    channels, categories, callers = set(), Counter(), Counter()
    suspect_phones, suspect_accounts = set(), set()
    for ref in ex["incident_refs"]:
        record, truth = incidents[ref], force.truth_lines[ref]
        categories[record["category"]] += 1
        channels.add(record["channel"])
        for mention, entry in zip(record["people"], truth["people"], strict=True):
            if entry["person"] == suspect:
                assert mention["relationship_to_victim"] == "former_partner"
                suspect_phones.update(re.sub(r"\D", "", p)[-6:] for p in mention.get("phones", []))
                suspect_accounts.update(
                    (a["platform"], a["handle"]) for a in mention.get("accounts", [])
                )
            if mention["role"] == "caller":
                callers[mention.get("relationship_to_victim")] += 1
    assert {"harassment", "malicious_communications", "criminal_damage"} <= set(categories)
    assert categories["breach_of_order"] >= 1
    assert len(suspect_phones) >= 3, "he changes numbers to get round blocks"
    assert len({h for p, h in suspect_accounts if p == "facebook"}) >= 2, "new accounts"
    assert {"parent"} <= set(callers), "family members report for her"


def test_her_ex_mentions_have_no_name_but_a_true_identity(big_force: Force) -> None:
    unnamed = [(m, e) for _, m, e in big_force.mentions() if m.get("description") == "her ex"]
    assert unnamed
    ex_suspects = {s["suspects"][0] for s in big_force.truth["series"]
                   if s["kind"] == "ex_partner_stalking"}  # fmt: skip
    for mention, entry in unnamed:
        assert "forenames" not in mention and "surname" not in mention
        assert entry["person"] in ex_suspects


def test_every_series_kind_is_present(force: Force) -> None:
    kinds = {s["kind"] for s in force.truth["series"]}
    assert kinds == {
        "ex_partner_stalking",
        "acquaintance_stalking",
        "stranger_stalking",
        "domestic_escalation",
        "neighbour_dispute",
        "prolific_offender",
        "repeat_victim",
    }
    assert force.summary.series["background"] > 1500


def test_neighbours_are_each_victim_and_suspect(force: Force) -> None:
    [dispute] = [s for s in force.truth["series"] if s["kind"] == "neighbour_dispute"]
    as_victim, as_suspect = set(), set()
    for ref in dispute["incident_refs"]:
        for entry, mention in zip(
            force.truth_lines[ref]["people"],
            next(r for r in force.records["incidents.jsonl"] if r["ref"] == ref)["people"],
            strict=True,
        ):
            home = force.true_person(entry["person"])["address"]
            (as_victim if mention["role"] == "victim" else as_suspect).add(home)
    assert len(as_victim) == 2 and as_victim == as_suspect


def test_domestic_escalation_gets_closer_and_worse(force: Force) -> None:
    [series] = [s for s in force.truth["series"] if s["kind"] == "domestic_escalation"]
    incidents = {r["ref"]: r for r in force.records["incidents.jsonl"]}
    records = [incidents[ref] for ref in series["incident_refs"]]
    times = [parse_record(r).reported_at for r in records]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert sum(gaps[: len(gaps) // 2]) > sum(gaps[len(gaps) // 2 :])
    assert records[0]["category"] == "domestic"
    assert records[-1]["category"] == "assault"


def test_prolific_offender_has_a_different_victim_each_time(force: Force) -> None:
    [series] = [s for s in force.truth["series"] if s["kind"] == "prolific_offender"]
    assert len(series["incident_refs"]) >= 10
    assert len(set(series["victims"])) >= len(series["incident_refs"]) - 1


def test_traps_exist_and_are_what_they_claim(force: Force) -> None:
    traps, people = force.truth["traps"], force.truth["people"]
    assert len(traps["twins"]) >= 2
    for twins in traps["twins"]:
        a, b = (people[p] for p in twins["people"])
        assert a["surname"] == b["surname"] and a["dob"] == b["dob"]
        assert a["address"] == b["address"] and a["forenames"] != b["forenames"]
        assert twins["incident_refs"]
    assert len(traps["father_son"]) >= 2
    for pair in traps["father_son"]:
        father, son = (people[p] for p in pair["people"])
        assert (father["forenames"], father["surname"]) == (son["forenames"], son["surname"])
        assert father["address"] == son["address"]
        assert int(son["dob"][:4]) - int(father["dob"][:4]) >= 25
    [namesake] = traps["stalker_namesakes"]
    stalker, other = people[namesake["stalker"]], people[namesake["namesake"]]
    assert (stalker["forenames"], stalker["surname"]) == (other["forenames"], other["surname"])
    assert stalker["dob"] != other["dob"]
    assert stalker["address"].rsplit(", ", 1)[1] != other["address"].rsplit(", ", 1)[1]
    assert namesake["incident_refs"]
    for group in traps["same_name_strangers"]:
        towns = {people[p]["address"].rsplit(", ", 1)[1] for p in group["people"]}
        assert len(towns) == len(group["people"]) >= 2
    names = {g["name"]: g["people"] for g in traps["common_names"]}
    assert set(names) == {"John Smith", "Mohammed Khan", "David Jones"}
    assert all(len(p) >= 3 for p in names.values())


def national(phone: str) -> str:
    """A phone as written ("+44 7700 900123", "(07700) 900 123") → national digits."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix):
            return "0" + digits[len(prefix) :]
    return digits


def test_every_phone_is_in_the_drama_range(force: Force) -> None:
    seen = 0
    for name in RECORD_FILES:
        for record in force.records[name]:
            mentions = record.get("people") or [
                *([record["respondent"]] if "respondent" in record else []),
                *record.get("protected", []),
                *([record["subject"]] if "subject" in record else []),
            ]
            for mention in mentions:
                for phone in mention.get("phones", []):
                    assert DRAMA.match(national(phone)), phone
                    seen += 1
                for account in mention.get("accounts", []):
                    if account["platform"] == "whatsapp":
                        assert DRAMA.match(national(account["handle"]))
                for email in mention.get("emails", []):
                    assert email.lower().rsplit("@", 1)[1] in {
                        "example.com",
                        "example.org",
                        "example.net",
                    }
    assert seen > 300


def test_scenario_people_have_distinct_numbers(force: Force) -> None:
    owners: dict[str, str] = {}
    for pid, person in force.truth["people"].items():
        for phone in person["phones"]:
            assert owners.setdefault(phone, pid) == pid, f"{phone} shared"
    assert force.truth["phones"]["scenario_numbers_distinct"] is True


# One owner per phone, e-mail address and account ------------------------------------------------


def _owners_of(force: Force, values) -> dict[str, set[str]]:
    """Value → the true people it is recorded for, from truth.json and from every mention."""
    owners: dict[str, set[str]] = {}
    for pid, person in force.truth["people"].items():
        for value in values(person):
            owners.setdefault(value, set()).add(pid)
    for _, mention, entry in force.every_mention():
        for value in values(mention):
            owners.setdefault(value, set()).add(entry["person"])
    return owners


def _shared(owners: dict[str, set[str]]) -> dict[str, set[str]]:
    return {value: pids for value, pids in owners.items() if len(pids) > 1}


def _accounts(record: dict) -> list[str]:
    accounts = record.get("accounts", [])
    pairs = [(a["platform"], a["handle"]) if isinstance(a, dict) else tuple(a) for a in accounts]
    return [f"{platform}:{handle.lower()}" for platform, handle in pairs]


def test_no_phone_number_belongs_to_two_people(big_force: Force) -> None:
    owners = _owners_of(big_force, lambda r: [national(p) for p in r.get("phones", [])])
    assert not _shared(owners)
    assert len(owners) > 300
    assert big_force.truth["phones"]["background_shared_fraction"] == 0.0
    assert big_force.truth["phones"]["background_holders"] == 700
    assert big_force.summary.phone_mentions == big_force.truth["phones"]["mentions_with_phone"] > 0


def test_no_email_address_belongs_to_two_people(big_force: Force) -> None:
    owners = _owners_of(big_force, lambda r: [e.lower() for e in r.get("emails", [])])
    assert not _shared(owners)
    assert len(owners) > 200


def test_no_social_account_belongs_to_two_people(big_force: Force) -> None:
    owners = _owners_of(big_force, _accounts)
    assert not _shared(owners)
    assert len(owners) > 100
    whatsapp = {k for k in owners if k.startswith("whatsapp:")}
    assert whatsapp


def test_whatsapp_follows_the_phone(big_force: Force) -> None:
    for _, mention, entry in big_force.every_mention():
        person = big_force.true_person(entry["person"])
        if person is None:
            continue
        numbers = {national(p) for p in person["phones"]}
        for key in _accounts(mention):
            if key.startswith("whatsapp:"):
                assert national(key.split(":", 1)[1]) in numbers, (entry["person"], key)


# Noise rates ----------------------------------------------------------------------------------
# On N=5000 there are about 14,000 mentions. Each tolerance is at least four standard errors of
# the observed share (sqrt(p(1-p)/n)) for the number of eligible mentions noted beside it.


def _named(big_force: Force):
    for _, mention, entry in big_force.mentions():
        if "forenames" in mention:
            yield mention, big_force.true_person(entry["person"]), entry


def test_missing_dob_share_matches_the_rate(big_force: Force) -> None:
    named = [m for m, _, _ in _named(big_force)]
    missing = sum("dob" not in m for m in named) / len(named)
    # n ≈ 13,000, p = 0.2: standard error ≈ 0.0035.
    assert abs(missing - NoiseRates().dob_missing) < 0.02


def test_nickname_share_matches_the_rate(big_force: Force) -> None:
    eligible = used = 0
    nick_forms = {n.lower() for forms in NICKNAMES.values() for n in forms}
    for mention, true, entry in _named(big_force):
        if true["forenames"] in NICKNAMES:
            eligible += 1
            if "nickname" in entry.get("noise", []):
                used += 1
                written = mention["forenames"].lower()
                assert written in nick_forms or "typo" in entry["noise"]
    # n ≈ 5,000, p = 0.12: standard error ≈ 0.0046.
    assert eligible > 2000
    assert abs(used / eligible - NoiseRates().nickname) < 0.025


def test_swapped_dob_share_matches_the_rate(big_force: Force) -> None:
    eligible = swapped = 0
    for mention, true, _ in _named(big_force):
        y, m, d = (int(x) for x in true["dob"].split("-"))
        written = mention.get("dob", "")
        if not (d <= 12 and d != m) or len(written) != 10:
            continue
        eligible += 1
        iso = parse_record(
            {"kind": "crime", "ref": "x", "offence": "x", "recorded_at": "2024-01-01T00:00:00",
             "people": [{"role": "victim", "dob": written}]}
        ).people[0].dob  # fmt: skip
        if iso == f"{y:04d}-{d:02d}-{m:02d}":
            swapped += 1
        else:
            assert iso == true["dob"]
    # n ≈ 3,500, p = 0.06: standard error ≈ 0.004.
    assert eligible > 2000
    assert abs(swapped / eligible - NoiseRates().dob_swapped) < 0.02


def test_no_noise_config_writes_people_as_they_are(tmp_path: Path) -> None:
    quiet = NoiseRates(**{name: 0.0 for name in NoiseRates().as_dict()})
    force = Force(tmp_path, 2, 600, SynthConfig(noise=quiet))
    checked = 0
    for mention, true, _ in _named(force):
        assert (mention["forenames"], mention["surname"]) == (true["forenames"], true["surname"])
        assert mention["dob"] == true["dob"]
        checked += 1
    assert checked > 500


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[int] = []
    generate_force(tmp_path, 2500, 1, progress=seen.append)
    assert seen[-1] == 2500
    assert seen == sorted(seen) and 1000 <= seen[0] <= 1100


def _people(folder: Path) -> list[dict[str, object]]:
    lines = (folder / "incidents.jsonl").read_text().splitlines()
    return [p for line in lines for p in json.loads(line)["people"]]


def test_the_sparse_profile_is_another_force_and_the_default_is_unchanged(tmp_path: Path) -> None:
    """``threadline synth --profile sparse`` (issue 21's second force): many shared surnames, most
    dates of birth, phones and e-mails absent; choosing the default profile writes the same bytes
    as choosing none."""
    generate_force(tmp_path / "none", 400, 3)
    generate_force(tmp_path / "default", 400, 3, PROFILES["default"])
    generate_force(tmp_path / "sparse", 400, 3, PROFILES["sparse"])
    for name in ("incidents.jsonl", "crimes.jsonl", "truth.json"):
        assert (tmp_path / "none" / name).read_bytes() == (tmp_path / "default" / name).read_bytes()
    usual, sparse = _people(tmp_path / "default"), _people(tmp_path / "sparse")

    def share(people: list[dict[str, object]], field: str) -> float:
        return sum(1 for p in people if p.get(field)) / len(people)

    assert share(sparse, "dob") < 0.35 < 0.55 < share(usual, "dob")
    assert share(sparse, "phones") < share(usual, "phones") / 3

    def surnames_per_mention(people: list[dict[str, object]]) -> float:
        counts = Counter(str(p["surname"]).lower() for p in people if p.get("surname"))
        return len(counts) / sum(counts.values())

    assert surnames_per_mention(sparse) < 0.7 * surnames_per_mention(usual)


def test_a_force_ending_on_a_day_has_its_last_incident_that_day_and_its_story_current(
    tmp_path: Path,
) -> None:
    """The demo force ends the day it is built (issue 24): with ``ending_on`` its last incident
    is reported on that day, and with ``current_story`` the first ex-partner series runs to the
    period's last days, its order still in force the day after, its breaches all reported."""
    from datetime import date, timedelta

    from threadline.synth import ending_on

    last_day = date(2026, 3, 17)
    config = replace(ending_on(SynthConfig(), last_day), current_story=True)
    assert config.start == last_day - timedelta(days=729)
    generate_force(tmp_path, 2_000, 11, config)
    days = [
        date.fromisoformat(r["reported_at"][:10]) for r in read_jsonl(tmp_path / "incidents.jsonl")
    ]
    assert max(days) == last_day
    assert min(days) >= config.start
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    story = next(s for s in truth["series"] if s["kind"] == "ex_partner_stalking")
    (order,) = [o for o in truth["orders"] if o["series"] == story["id"]]
    assert date.fromisoformat(order["ends"]) > last_day + timedelta(days=1)
    breach_days = {
        date.fromisoformat(r["reported_at"][:10])
        for r in read_jsonl(tmp_path / "incidents.jsonl")
        if r["ref"] in order["breach_refs"]
    }
    assert len(order["breach_refs"]) == SynthConfig().scenarios.ex_partner_breaches
    assert max(breach_days) > last_day - timedelta(days=120)


def test_without_current_story_the_truth_is_written_as_before(tmp_path: Path) -> None:
    """The setting is left out of truth.json when off, so older forces' truth files still match."""
    generate_force(tmp_path, 300, 3, SynthConfig())
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert "current_story" not in truth["config"]
