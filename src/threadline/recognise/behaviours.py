"""The stalking behaviour lexicon: what in an incident shows following, watching, loitering...

Each :class:`Behaviour` is declared with a plain-English label, the :class:`~threadline.recognise.
narrative.Rule` token patterns that show it in a narrative, and the incident categories that show it
on their own. The patterns match on lemmas and let words sit between their parts, so other wordings
of the same act are recognised ("keeps turning up wherever she goes", "was parked across the road
again", "messages her through her sister's account"); negation, whose act it is and whether contact
is unwanted are checked as :mod:`threadline.recognise.narrative` describes. They were written from
the acts PHA 1997 s2A(3) lists as associated with stalking (following, contacting by any means,
publishing material, monitoring electronic communication, loitering, interfering with property,
watching or spying), the CPS and Suzy Lamplugh Trust descriptions of stalking and the Stalking
Protection Orders statutory guidance, and are measured by ``bench/bench_narrative.py``.

Harassment as a category is deliberately *not* a behaviour: it names the course of conduct itself,
and mapping it would make every harassment series "stalking".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from threadline.recognise.history import Event
from threadline.recognise.narrative import (
    Found,
    NarrativeMatcher,
    Rule,
    Slot,
    alt,
    gap,
    lem,
    low,
    negated,
    opt,
    rule,
)

# --- words the patterns share -------------------------------------------------------------------

_OBJ_PRON = "me her him them us"
_VICTIM = "victim caller informant ip v vic complainant applicant rp"
#: The person an act is done to: a pronoun, "the victim", "the caller".
OBJ = alt(low(_OBJ_PRON), [opt(low("the")), low(_VICTIM)])
#: Whose place or thing it is: "her", "my", "the victim's", "Amanda's", "her parents'".
POSS = alt(
    low("her my their our"),
    [{"IS_ALPHA": True}, low("'s ’s '")],
    low("vics ips victims callers"),
    [low("the"), {"IS_ALPHA": True}, low("'s ’s '")],
)
#: Places a person goes: home, work and the places they are known to be.
PLACES = (
    "home house flat address addy work workplace office job school gym door doorstep gate college "
    "university uni nursery church shop salon door front porch garden premises place"
)
#: Places someone hangs about near (adds the street and the car).
NEAR_PLACES = PLACES + " street road close lane avenue estate block window windows car car"
KIN = (
    "mum mother mom dad father parents parent sister sisters brother brothers family relatives "
    "relative friend friends mate mates colleagues colleague workmates employer employers boss "
    "manager partner boyfriend girlfriend husband wife children child kids son daughter cousin "
    "aunt uncle nan gran grandmother grandparents neighbours neighbour housemate flatmate landlord "
    "teacher contacts followers"
)
_ONLINE = (
    "instagram insta facebook twitter tiktok snapchat snap social online whatsapp linkedin youtube "
    "stories story posts"
)
CONTACT_VERBS = (
    "call ring phone telephone text message email mail contact whatsapp snapchat dm voicemail "
    "write facetime approach speak talk"
)
#: Contact words that are contact on their own ("talk" and "speak" need someone to talk to).
_CALL_VERBS = (
    "call ring phone telephone text message email mail contact whatsapp snapchat dm voicemail "
    "write facetime"
)
CONTACT_NOUNS = "call message text email mail voicemail request dm"
#: Words before a contact word that make it a noun or a thing ("his phone", "no contact").
_DETERMINERS = "a an the his her my their our your its this that no any off"
_KIN_NOT_FRIEND = " ".join(w for w in KIN.split() if w != "friend")  # "friend requests"
#: Words that are everyday contact when not followed by a relation's name.
_KIN_NEXT = KIN + " new best"
_PROPERTY = (
    "car tyres tyre wheels wheel windows window windscreen door doors post mail letters bins bin "
    "property belongings garden plants bike bicycle phone mirror mirrors aerial gate fence bonnet "
    "brakes brake cable handbag bag diary shed things stuff possessions clothes locks lock van "
    "paintwork motorbike scooter camera doorbell cctv keys key tank mailbox letterbox wires "
    "cat dog pet pets horse"
)
_DAMAGED = (
    "slashed punctured damaged keyed scratched smashed broken snapped vandalised vandalized "
    "cut kicked deflated tampered interfered sprayed graffitied let smeared moved"
)
_GIFTS = (
    "flowers flower roses rose bouquet gift gifts present presents parcel parcels package packages "
    "chocolates chocolate jewellery necklace perfume teddy card cards note notes letter letters "
    "poem poems deliveries takeaway takeaways pizza pizzas"
)
_MATERIAL = (
    "photos photo pictures picture pics images image videos video footage screenshots screenshot "
    "details address number name posts post comments rumours rumour lies allegations messages "
    "story stories material content nudes location whereabouts"
)
_NEW = low(
    "new different another fake false second other unknown withheld private burner spare "
    "alternative multiple several various anonymous unrecognised"
)
_PLATFORMS = "instagram insta facebook snapchat whatsapp tiktok twitter"
#: A gap inside "new ... number" that does not cross a person ("her new partner on Facebook").
_NEW_GAP = {"LOWER": {"NOT_IN": [".", ";", "!", "?", "but", *KIN.split()]}, "OP": "{0,2}"}
_NEW_THINGS = lem(
    "number account profile sim name handle username mobile snapchat instagram insta facebook "
    "tiktok twitter whatsapp email gmail page phone"
)
_PAGES = "page website site blog group profile account video channel"
_NUMBER = alt(
    {"LIKE_NUM": True, "LOWER": {"NOT_IN": ["one", "two", "a", "1", "2", "first", "second"]}},
    low("dozens hundreds scores thousands loads lots hundred dozen string stream barrage flood"),
)


def _rules() -> list[Rule]:
    follow_verbs = lem("follow tail trail shadow pursue tailgate")
    return [
        # following
        rule(
            "following",
            [follow_verbs, OBJ],
            [follow_verbs, POSS, low("car vehicle")],
            [lem("track"), OBJ, gap(2), low("foot from to home around round")],
            [
                lem("pull draw"),
                low("up alongside"),
                gap(2),
                low("next beside alongside"),
                opt(low("to")),
            ]
            + [OBJ],
            [follow_verbs, {"IS_TITLE": True, "IS_SENT_START": False}],
            veto_after=_ONLINE + " account accounts",
        ),
        rule(
            "following",
            [low("was were been being is am are get got"), opt(low("being"))]
            + [low("followed folowed tailed trailed pursued shadowed")],
            veto_after="police officer officers security staff pc up dog cat",
        ),
        rule(
            "following",
            [lem("drive walk crawl cycle ride creep stay run jog keep trail tail follow"), gap(3)]
            + [low("behind after alongside beside"), OBJ],
            [lem("crawl creep kerb"), gap(2), low("next beside alongside")],
            [lem("get"), low("off on"), gap(2), POSS, low("stop station")],
            actor="not_other",
        ),
        # watching
        rule(
            "watching",
            [lem("watch spy observe stare peer peek film photograph gawp"), opt(low("at on")), OBJ],
            [lem("watch stare peer look peek spy gaze observe"), gap(3)]
            + [low("at into through in on over"), gap(3), low(PLACES + " window windows letterbox")]
            + [],
            [lem("take"), gap(2), low("photos photo pictures picture pics images videos footage")]
            + [low("of"), gap(2), alt(low(_OBJ_PRON), low(_VICTIM), low(PLACES))],
            [lem("photograph film video"), gap(2), POSS, gap(1), low(PLACES + " car")],
            [lem("walk drive go"), low("past by"), POSS, gap(1), low(PLACES), gap(6)]
            + [lem("look stare peer slow")],
            [lem("keep"), low("watch tabs")],
            [lem("note log record"), gap(1), low("what when"), gap(1), low("she i")]
            + [lem("leave come get go")],
            [lem("watch observe"), low("the her my their our"), gap(1)]
            + [low(PLACES + " window windows")],
            actor="not_official",
            veto_after=_ONLINE + " tv television football film programme match app doorbell feed",
        ),
        rule("watching", [low("hidden secret spy pinhole"), lem("camera")]),
        rule(
            "watching",
            [low("was were been being"), low("watched observed filmed photographed spied")],
            [lem("drive walk cycle"), low("up"), low("and"), low("down"), POSS],
            veto_after="police officers officer pc cctv",
        ),
        rule(
            "watching",
            [lem("drive walk go cycle ride"), gap(2), low("past by"), POSS, gap(1)] + [low(PLACES)],
            actor="not_other",
            marker=True,
        ),
        rule("watching", [lem("watch spy stare"), low("from")], actor="suspect"),
        # loitering
        rule("loitering", [lem("loiter lurk linger hover skulk")]),
        rule(
            "loitering",
            [lem("hang"), low("around about round"), gap(6), POSS],
            [lem("hang"), low("around about round"), low("the")]
            + [low("gates gate school nursery entrance door doors car park")],
            [
                alt(
                    lem("sit wait park stand stay idle hang"),
                    [low("his same"), low("car van vehicle motorbike")],
                ),
                gap(5),
            ]
            + [
                alt(
                    low("outside opposite near by behind on"),
                    [low("across"), low("from")],
                    [low("at"), low("the"), low("end top bottom corner"), low("of")],
                ),
                POSS,
                gap(1),
                low(NEAR_PLACES),
            ],
            [lem("be"), opt(low("again still always just")), low("outside opposite"), POSS]
            + [gap(1), low(NEAR_PLACES)],
            [low("at"), low("the"), low("end top bottom corner"), low("of"), POSS],
            [
                lem("sit wait park stand"),
                gap(3),
                low("at"),
                low("the"),
                low("end top bottom corner"),
            ]
            + [low("of"), alt(POSS, low("the")), low("road street close lane avenue")],
            [lem("sit wait park stand"), low("outside"), gap(3), low("until till for all")],
            [lem("sit wait park stand lurk hang"), gap(5), lem("watch stare"), alt(OBJ, POSS)],
            [lem("wait sit"), gap(5), low("for"), OBJ],
            actor="not_other",
        ),
        rule(
            "loitering",
            [lem("hide crouch creep sneak prowl skulk"), gap(1)]
            + [low("in behind near outside under by around round about"), POSS, gap(1)]
            + [low(NEAR_PLACES + " garden bushes hedge")],
            actor="not_other",
        ),
        rule(
            "loitering",
            [lem("sit wait park stand stay idle"), gap(6), POSS, gap(1), low(NEAR_PLACES)],
            actor="not_other",
            not_after="car the a",
        ),
        rule(
            "loitering",
            [
                lem("see spot notice observe"),
                gap(3),
                low("outside near by around opposite"),
                POSS,
                gap(1),
            ]
            + [low(NEAR_PLACES)],
            [lem("see spot notice observe"), gap(3), low("in"), low("the"), low("vicinity area")]
            + [low("of"), POSS],
            [
                lem("see spot notice observe"),
                low("him"),
                gap(2),
                low("near outside around by"),
                POSS,
            ]
            + [low(NEAR_PLACES)],
        ),
        rule(
            "loitering",
            [lem("wait"), low("outside around about")],
            actor="not_other",
            veto_after="court police station hospital solicitor his",
            veto_window=5,
        ),
        rule(
            "loitering",
            [lem("park sit wait stand"), gap(4)]
            + [
                alt(
                    [low("across over"), low("the"), low("road street way")],
                    low("opposite"),
                    [low("across"), low("from")],
                )
            ],
            actor="not_other",
            veto_after="block blocking obstruct obstructing drive driveway",
        ),
        # turning up
        rule(
            "turning_up",
            [lem("turn show pop rock roll"), low("up"), gap(2), low("at outside in to")]
            + [POSS, gap(1), low(PLACES)],
            [lem("turn show pop rock"), low("up"), gap(3)]
            + [low("wherever everywhere uninvited unannounced unexpectedly again anywhere places")],
            [lem("keep"), lem("turn show pop"), low("up")],
            [lem("turn show pop rock"), low("up"), low("at outside"), opt(low("the a her my"))]
            + [gap(1), low(PLACES + " gym pub club party shops park work")],
            [low("everywhere wherever"), gap(3), lem("go")],
            [lem("come go arrive visit"), opt(low("round over back"))]
            + [opt(low("to into round at")), alt(POSS, low("the")), gap(1), low(PLACES)],
            [lem("keep continue"), lem("come"), gap(2), low("to round into over")],
            [lem("come walk go"), low("into in"), gap(3), low("where"), low("she i"), lem("work")],
            [lem("be"), opt(low("again")), low("at"), alt(POSS, low("the"))]
            + [low("door doorstep gate house flat work workplace")],
            [lem("ring press"), low("the her my"), opt(low("door")), low("bell doorbell")],
            [lem("knock bang hammer pound"), gap(1), low("on at"), alt(POSS, low("the"))]
            + [low("door window doors windows")],
            [lem("appear"), gap(2), low("at everywhere wherever outside behind")],
            [lem("be"), low("there"), low("again always everywhere")],
            [low("always"), low("there")],
            actor="not_other",
            veto_after="court magistrates tribunal police",
        ),
        rule("turning_up", [low("uninvited unannounced")]),
        rule(
            "turning_up",
            [lem("bump run"), low("into"), low("him")],
            [lem("come walk"), low("up over"), low("to"), OBJ],
            [lem("call come"), low("round by"), low("at to"), POSS, gap(1), low(PLACES)],
            actor="not_official",
        ),
        rule(
            "turning_up",
            [lem("see spot notice"), low("him"), gap(4), low("at"), alt(POSS, low("the a"))],
            [low("happens happen happened"), low("to"), low("be"), low("at in")],
            [lem("be"), low("at in"), low("the"), low("same")],
        ),
        rule(
            "turning_up",
            [lem("attend"), gap(1), POSS, gap(1), low(PLACES)],
            actor="suspect",
        ),
        # unwanted contact
        rule(
            "unwanted_contact",
            [lem("keep continue"), gap(6), lem(CONTACT_VERBS), alt(OBJ, low("back"))],
            [
                lem("keep continue"),
                low("phoning ringing calling"),
                low("the"),
                low("house landline"),
            ],
            [low("wo will would"), low("n't not"), lem("stop"), lem(CONTACT_VERBS)],
            [lem("comment like"), low("on"), gap(1), POSS, low("posts photos pictures stories")],
            [
                lem("get ask make use"),
                gap(3),
                low("to"),
                lem("call ring text message contact"),
                OBJ,
            ],
            [lem("keep continue try"), gap(3), lem("get"), low("in"), low("touch")],
            [lem("keep continue"), lem("send"), OBJ, gap(2), lem(CONTACT_NOUNS)],
            actor="not_other",
            veto_after=KIN + " bell doorbell",
            veto_window=1,
        ),
        rule(
            "unwanted_contact",
            [_NUMBER, opt(low("+")), opt(low("of")), gap(2), lem(CONTACT_NOUNS)],
            [lem("bombard inundate pester plague")],
            [
                lem("receive get have"),
                gap(3),
                lem(CONTACT_NOUNS + " letter card"),
                gap(2),
                low("from off"),
            ]
            + [low("him he ex susp suspect male man")],
            [low("silent nuisance unwanted abusive"), lem("call message text contact")],
            [low("hang"), opt(low("-")), low("up"), lem("call")],
        ),
        rule(
            "unwanted_contact",
            [lem(_CALL_VERBS)],
            [lem("keep continue"), lem(CONTACT_VERBS)],
            [lem("talk speak"), low("to with"), OBJ],
            [lem("shout scream swear yell"), low("at"), OBJ],
            actor="not_other",
            marker=True,
            veto_after=_KIN_NEXT + " police 999 101 officers bell doorbell",
            veto_window=4,
            not_after=_DETERMINERS,
        ),
        rule(
            "unwanted_contact",
            [lem(CONTACT_NOUNS)],
            [low("voice"), lem("note message")],
            marker=True,
            veto_after=_KIN_NEXT + " police 999 101 officers",
            veto_window=3,
            not_after="no any off spam scam marketing sales nuisance " + _KIN_NOT_FRIEND,
        ),
        # new numbers and accounts
        rule(
            "new_accounts",
            [low("from using via with under through on"), opt(low("a an the his"))]
            + [_NEW, _NEW_GAP, _NEW_THINGS],
            veto_after="spam scam marketing sales",
            veto_window=5,
        ),
        rule(
            "new_accounts",
            [_NEW, _NEW_GAP, _NEW_THINGS],
            actor="not_other",
            veto_after="spam scam marketing sales",
            veto_window=5,
        ),
        rule(
            "new_accounts",
            [low(KIN + " mate someone else people person"), low("'s ’s '")]
            + [low("phone phones account accounts number profile sim mobile " + _PLATFORMS)],
            [low("after since because once"), gap(3), lem("block")],
            veto_after="spam scam marketing sales",
            veto_window=5,
        ),
        rule(
            "new_accounts",
            [low("account accounts number numbers profile profiles"), gap(2), low("she i")]
            + [gap(2), lem("recognise recognize know")],
            [lem("get"), low("round around past"), gap(1), lem("block")],
            [low("withheld private unknown"), lem("call")],
            [low("fake false different other multiple several various anonymous")]
            + [opt(low("email e-mail")), lem("address")],
        ),
        # contacting the people around them
        rule(
            "third_party_contact",
            [
                lem(
                    CONTACT_VERBS
                    + " send visit ask tell question quiz threaten lie intimidate follow"
                ),
                gap(3),
                POSS,
            ]
            + [gap(1), low(KIN)],
            actor="not_other",
            veto_after="request requests",
            veto_window=1,
        ),
        rule(
            "third_party_contact",
            [lem("go come turn show attend visit"), gap(3), POSS, opt(low("best new")), low(KIN)],
            [lem("make"), low("enquiries inquiries"), gap(3), low("her whereabouts")],
            [low("through via"), POSS, opt(low("best new")), low(KIN)],
            [lem("ask question"), gap(2), low(KIN), gap(2), low("about where who if whether")],
            [lem("pass"), opt(low("on")), gap(2), lem("message")],
            [lem("send show forward"), gap(6), low("to"), POSS, opt(low("best new")), low(KIN)],
            [lem("ask question quiz"), gap(6), low("about where"), gap(1), low("she her")],
            [lem("make"), gap(1), low("false malicious vexatious")]
            + [low("reports allegations complaints claims referrals"), gap(3), low("to")],
            actor="not_other",
        ),
        rule(
            "third_party_contact",
            [lem("call ring phone email message write"), opt(low("up")), POSS]
            + [low("workplace work office employer school")],
            actor="not_other",
            veto_after="account accounts email address phone mobile",
            veto_window=1,
        ),
        rule(
            "third_party_contact",
            [POSS, opt(low("best new")), low(KIN), gap(4), lem("receive get have"), gap(3)]
            + [lem(CONTACT_NOUNS + " visit"), gap(3), low("from"), gap(1)]
            + [low("him he ex susp suspect male man")],
        ),
        # property
        rule(
            "interfering_with_property",
            [
                lem(
                    "slash puncture damage key scratch smash break tamper interfere vandalise snap "
                    "kick pour spray graffiti cut slit remove steal take rip deflate let poison "
                    "hurt kill injure"
                ),
                opt(low("down off in into with")),
                gap(3),
                POSS,
                gap(2),
                low(_PROPERTY),
            ],
            [lem("go rummage search rifle"), low("through in"), POSS, gap(1), low(_PROPERTY)],
            [lem("put pour"), gap(2), low("in into"), POSS, gap(2), low(_PROPERTY)],
            [lem("let"), low("himself themselves"), low("in into")],
            [
                lem("get break let"),
                low("into in"),
                POSS,
                gap(1),
                low("house flat home car shed garage"),
            ],
            [lem("let"), low("the"), low("air"), low("out"), low("of"), POSS],
            [lem("set"), gap(3), POSS, gap(1), low(_PROPERTY), gap(1), low("alight ablaze")],
            [lem("set"), low("fire"), low("to"), POSS, gap(1), low(_PROPERTY)],
            [lem("move rearrange"), low("things stuff items furniture")],
            actor="not_other",
        ),
        rule(
            "interfering_with_property",
            [POSS, gap(3), low(_PROPERTY), gap(3), low(_DAMAGED)],
            [POSS, gap(1), low("post mail letters"), gap(3), low("opened taken stolen removed")],
            [POSS, gap(3), low(_PROPERTY), gap(3), low("set"), low("alight ablaze")],
            [low(_PROPERTY), gap(3), low(_DAMAGED), gap(3), POSS],
            [low("tyres tyre"), gap(5), low("slashed punctured let deflated down")],
            [low("tampering tampered"), opt(low("with"))],
            [POSS, gap(2), low(_PROPERTY), gap(2), low("covered smeared daubed"), low("in with")],
            [low("things stuff items"), gap(2), lem("move")],
            [lem("damage"), low("to"), POSS, gap(1), low(_PROPERTY)],
            [low("plants flowers shrubs"), gap(2), low("pulled ripped dug"), low("up out")],
            veto_after="pothole accident collision wind storm weather tree",
        ),
        # monitoring
        rule(
            "monitoring_online",
            [low("tracker trackers airtag gps spyware stalkerware keylogger")],
            [low("air"), low("tag tags")],
            [low("tracking"), low("device app software devices")],
            [low("bluetooth tile"), low("tag tracker")],
            [low("hidden secret spy"), lem("camera device")],
            [low("listening recording"), low("device devices")],
            [low("snap"), low("map")],
        ),
        rule(
            "monitoring_online",
            [
                lem("hack log access get check read monitor view look go track watch follow"),
                opt(low("into in onto through at")),
                gap(1),
                POSS,
                gap(2),
                low(
                    "account accounts email emails e-mail messages texts phone facebook instagram "
                    "icloud whatsapp snapchat tiktok twitter social banking location photos laptop "
                    "computer password passwords stories posts profile online movements gmail "
                    "hotmail outlook yahoo cloud google messenger emails logins login netflix "
                    "amazon spotify apple uber"
                ),
            ],
            [lem("follow watch stalk"), OBJ, low("on online"), opt(low(_ONLINE))],
            [lem("access"), low("to"), POSS, gap(1), low("phone account accounts email laptop")],
            [
                lem("install put hide plant"),
                gap(3),
                low("app apps software spyware camera cameras"),
            ],
            [lem("use"), gap(2), low("smart"), gap(1), low("doorbell speaker device camera home")],
            [lem("check monitor watch track"), low("who what where when"), low("she i")],
            actor="not_other",
        ),
        rule(
            "monitoring_online",
            [lem("know"), gap(2), low("where which what who when"), gap(4), low("she i we they")],
            [lem("know"), opt(low("that")), low("she i"), lem("be"), low("at in with")],
            [low("seems seem seemed appears appeared"), low("to"), lem("know"), gap(2)]
            + [low("where which what who everything"), gap(4), low("she i we they")],
            actor="not_other",
            not_after="to",
        ),
        rule(
            "monitoring_online",
            [lem("track trace locate"), POSS, gap(1)]
            + [low("car phone location movements vehicle whereabouts")],
            [low("share sharing"), low("its her his my"), low("location")],
            [lem("know find discover get"), POSS, low("new"), low("address number")],
            [low("location"), low("sharing")],
            [low("doorbell camera cameras cctv"), low("app feed footage")],
            actor="not_other",
        ),
        rule(
            "monitoring_online",
            [POSS, gap(1), low("password passwords"), gap(3), low("changed reset")],
        ),
        # gifts
        rule(
            "unwanted_gifts",
            [
                lem("send leave deliver give post push put tuck buy drop slip place order mail"),
                gap(6),
            ]
            + [low(_GIFTS)],
            actor="not_other",
            not_after=_DETERMINERS,
            veto_after="voice " + KIN,
            veto_window=3,
        ),
        rule(
            "unwanted_gifts",
            [lem("find"), gap(3), low(_GIFTS), gap(3), low("on under in through at")],
            [lem("write"), gap(6), low("letter letters note notes card cards poem poems")],
        ),
        rule(
            "unwanted_gifts",
            [lem("receive get"), gap(2), low(_GIFTS)],
            marker=True,
        ),
        rule(
            "unwanted_gifts",
            [lem("receive get have"), gap(3), low(_GIFTS), gap(2), low("from")]
            + [low("him he ex susp suspect")],
        ),
        rule(
            "unwanted_contact",
            [lem("approach contact call message"), low("by"), low("him he ex susp suspect")],
            marker=True,
        ),
        rule(
            "unwanted_contact",
            [lem("keep continue"), opt(low("to")), lem("get receive have"), gap(2)]
            + [lem(CONTACT_NOUNS)],
            not_after=KIN,
        ),
        rule(
            "unwanted_gifts",
            [low(_GIFTS + " bird rat animal items item object objects"), gap(6)]
            + [low("left pushed posted put tucked delivered placed dropped sent")]
            + [gap(2), low("on through under in at outside to"), gap(1), POSS],
            [low("unwanted unsolicited"), gap(1), low(_GIFTS)],
            veto_after="error mistake wrong",
        ),
        # publishing
        rule(
            "publishing",
            [POSS, gap(2), low(_MATERIAL), gap(2)]
            + [low("posted shared uploaded published leaked circulated")],
        ),
        rule(
            "publishing",
            [
                lem("post publish share upload spread circulate leak distribute disclose reveal"),
                gap(3),
            ]
            + [POSS]
            + [gap(2), low(_MATERIAL)],
            [lem("post publish share upload spread circulate leak distribute put")]
            + [opt(low("up")), gap(3), low(_MATERIAL), low("of about"), alt(OBJ, POSS)],
            [lem("send show"), gap(2), low("intimate naked nude explicit sexual private")]
            + [gap(1), low(_MATERIAL)],
            [lem("post write put"), low("on"), gap(2), low("that saying calling")],
            [lem("impersonate")],
            [lem("pretend"), low("to"), low("be"), low("her me the")],
            [lem("tell"), low("everyone people anyone everybody"), gap(3), low("lies rumours")],
            [lem("make write put"), low("a"), low("post posts status"), gap(3)]
            + [low("saying calling about naming")],
            [lem("put"), POSS, gap(3), low(_MATERIAL), gap(2), low("on onto online"), gap(3)]
            + [low("website site internet online facebook group page forum app")],
            [lem("post write put"), opt(low("up")), gap(3), low("about"), alt(OBJ, POSS)],
            [lem("post put publish"), opt(low("up")), gap(2), low(_MATERIAL), low("online")],
            actor="not_other",
        ),
        rule(
            "publishing",
            [low("leaflets posters flyers"), gap(2), POSS, gap(1), low(_MATERIAL)],
        ),
        *_done_by_suspect(),
        rule(
            "publishing",
            [lem("create make set start"), opt(low("up")), gap(3), low(_PAGES), low("about of")]
            + [alt(OBJ, POSS)],
            [lem("create make set start"), opt(low("up")), gap(3), low(_PAGES)]
            + [low("using with showing"), gap(1), POSS, gap(1), low(_MATERIAL)],
            [lem("tag"), OBJ, low("in"), gap(1), low("post posts photo photos video picture")],
            actor="not_other",
        ),
        rule(
            "new_accounts",
            [
                lem("create make set start"),
                opt(low("up")),
                gap(3),
                low("page profile account"),
                gap(3),
            ]
            + [POSS, gap(1), low("name photos pictures photo picture")],
            actor="not_other",
        ),
    ]


#: The suspect as the subject of a clause: "he", "her ex", "the suspect", "susp".
_SUSPECT = low("he ex susp suspect defendant accused offender perpetrator stalker x-bf exbf bf")
#: Between the subject and the verb: "he has been", "he just keeps", "he was again".
_AUX = {
    "LOWER": {
        "IN": "has had have keeps kept just always still again also then repeatedly constantly "
        "often regularly now will would".split()
    },
    "OP": "{0,3}",
}
_BE = low("is was 's been being")


def _done_by_suspect() -> list[Rule]:
    """Each behaviour's own verbs with the suspect as their subject, whatever follows them
    ("he just turns up", "the suspect lurked", "her ex hacked in"): the subject says whose act
    it is, so the verb needs no object."""
    verbs = {
        "following": (
            "follow tail trail pursue shadow tailgate",
            "by police officers route way path signs " + _ONLINE,
        ),
        "watching": ("watch spy stare observe peer gawp photograph film", _ONLINE + " tv film"),
        "loitering": ("loiter lurk linger hover skulk prowl", ""),
        "turning_up": ("appear", "court magistrates tribunal police station"),
        "interfering_with_property": ("vandalise slash key tamper smash damage", ""),
        "monitoring_online": ("hack monitor", "by"),
        "publishing": ("publish upload", ""),
    }
    rules = [
        rule(
            b,
            [_SUSPECT, _AUX, lem(words)],
            # "he was watching", not "he was watched"
            [_SUSPECT, _AUX, _BE, {**lem(words), "LOWER": {"REGEX": "ing$"}}],
            veto_after=veto + " by",
            veto_window=3,
            subject_first=True,
        )
        for b, (words, veto) in verbs.items()
    ]
    rules.append(
        rule(
            "turning_up",
            [_SUSPECT, _AUX, lem("turn show pop rock"), low("up")],
            [_SUSPECT, _AUX, lem("arrive come"), low("uninvited unannounced round")],
            veto_after="court police station late early shift " + KIN,
            subject_first=True,
        )
    )
    rules.append(
        rule(
            "loitering",
            [_SUSPECT, _AUX, lem("hang"), low("around about round")],
            subject_first=True,
        )
    )
    return rules


#: What makes contact "unwanted": told to stop, blocked, an order, persistence, numbers.
MARKERS: tuple[tuple[Slot, ...], ...] = tuple(
    tuple(m)
    for m in (
        [lem("despite unwanted repeated persistent")],
        [lem("tell ask beg warn plead"), gap(3), low("stop leave not no")],
        [lem("be"), low("over")],
        [lem("block breach")],
        [low("non-molestation restraining injunction bail")],
        [low("non"), opt(low("-")), low("stop")],
        [
            low(
                "constantly repeatedly persistently continually continuously incessantly again "
                "nonstop relentlessly withheld unknown 24/7"
            )
        ],
        [low("all"), low("day night")],
        [low("day"), low("and"), low("night")],
        [low("every each"), low("day night morning evening hour time week weekend")],
        [
            low("every each"),
            low("monday tuesday wednesday thursday friday saturday sunday few other single"),
        ],
        [low("no"), low("name")],
        [low("anonymous anonymously unsigned")],
        [{"LIKE_NUM": True}, low("times")],
        [low("several numerous many multiple countless"), low("times occasions")],
        [{"LIKE_NUM": True}, low("a per"), low("day night hour")],
        [low("through"), low("the"), low("night")],
        [low("around round"), low("the"), low("clock")],
        [lem("split")],
        [lem("end finish"), gap(2), low("relationship it things")],
        [lem("cut"), low("off"), gap(1), low("contact")],
        [low("nothing"), low("to"), low("do")],
        [lem("want"), low("no"), low("contact")],
        [low("dozens hundreds scores loads lots"), low("of"), low("times")],
        [low("times"), low("a per"), low("day night week hour")],
        [low("excessive constant continuous endless countless numerous")],
        [lem("leave"), OBJ, low("alone")],
        [lem("stay keep"), low("away")],
        [low("through via using"), gap(3), low("'s ’s '")]
        + [low("account accounts profile phone phones " + _PLATFORMS)],
        [low("through via using"), low("another different someone"), gap(1)]
        + [low("account accounts profile phone number sim")],
        [low("new different another fake second unknown"), gap(2), lem("number account profile")],
    )
)


@dataclass(frozen=True)
class Behaviour:
    """One act associated with stalking (Protection from Harassment Act 1997 s2A(3), guidance)."""

    id: str
    label: str
    categories: frozenset[str] = frozenset()

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The token patterns that show this behaviour in a narrative."""
        return tuple(r for r in lexicon().rules if r.behaviour == self.id)


BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour("following", "following"),
    Behaviour("watching", "watching or spying"),
    Behaviour("loitering", "loitering"),
    Behaviour("turning_up", "turning up at home or work"),
    Behaviour(
        "unwanted_contact",
        "contact by any means after being told to stop",
        frozenset({"malicious_communications", "breach_of_order"}),
    ),
    Behaviour("new_accounts", "new accounts or numbers to get round blocks"),
    Behaviour("third_party_contact", "contacting family, friends or colleagues"),
    Behaviour(
        "interfering_with_property", "interfering with property", frozenset({"criminal_damage"})
    ),
    Behaviour("monitoring_online", "monitoring phone or online activity, or tracking"),
    Behaviour("unwanted_gifts", "unwanted gifts or notes"),
    Behaviour("publishing", "publishing material about the person"),
    Behaviour("reported_stalking", "reported as stalking", frozenset({"stalking"})),
)

BEHAVIOURS_BY_ID = {b.id: b for b in BEHAVIOURS}

SignSource = Literal["narrative", "category", "third_party"]


@dataclass(frozen=True)
class BehaviourSign:
    """Evidence of one behaviour in one event: the words, category or link that shows it."""

    behaviour: str
    incident_ref: str
    evidence: str
    source: SignSource

    @property
    def label(self) -> str:
        return BEHAVIOURS_BY_ID[self.behaviour].label

    def describe(self) -> str:
        """``following (INC-2: "followed her home")``."""
        if self.source == "narrative":
            return f'{self.label} ({self.incident_ref}: "{self.evidence}")'
        return f"{self.label} ({self.incident_ref}: {self.evidence})"


@lru_cache(maxsize=1)
def lexicon() -> NarrativeMatcher:
    """The lexicon compiled once per process (spaCy's pipeline and Matcher are not cheap)."""
    return NarrativeMatcher(_rules(), MARKERS)


def is_negated(text: str, start: int) -> bool:
    """Whether the words just before character ``start`` (same clause) negate what is there."""
    matcher = lexicon()
    return negated(matcher.doc(text), start)


def _signs(ref: str, found: list[Found]) -> tuple[BehaviourSign, ...]:
    return tuple(BehaviourSign(f.behaviour, ref, f.evidence, "narrative") for f in found)


def narrative_signs(ref: str, narrative: str) -> list[BehaviourSign]:
    """Behaviours the narrative describes, first un-negated mention of each."""
    return list(_narrative_signs(ref, narrative))


@lru_cache(maxsize=50_000)
def _narrative_signs(ref: str, narrative: str) -> tuple[BehaviourSign, ...]:
    """:func:`narrative_signs`, kept: every submission reads its people's whole history again,
    and a stored narrative's signs do not change."""
    if not narrative or not narrative.strip():
        return ()
    return _signs(ref, lexicon().find(narrative))


def narrative_behaviours(narratives: list[str]) -> list[list[str]]:
    """The behaviour ids each narrative shows, for many narratives (tokenised in batches)."""
    return [[f.behaviour for f in found] for found in lexicon().find_many(narratives)]


def find_behaviours(event: Event) -> list[BehaviourSign]:
    """Every stalking behaviour one event shows, from its narrative and its categories."""
    signs = narrative_signs(event.ref, event.narrative)
    shown = {s.behaviour for s in signs}
    for behaviour in BEHAVIOURS:
        hit = sorted(behaviour.categories & event.categories)
        if hit and behaviour.id not in shown:
            signs.append(
                BehaviourSign(behaviour.id, event.ref, f"recorded as {hit[0]}", "category")
            )
    return signs


def shows_stalking(ref: str, category: str, closing_category: str | None, narrative: str) -> bool:
    """Whether an incident shows any stalking behaviour, from its narrative and its opening and
    closing categories alone (what :func:`find_behaviours` reads; no parties are needed): kept
    with the incident when it is written, so the owed list need not read every narrative."""
    event = Event(
        ref=ref,
        kind="incident",
        reported_at=datetime.min.replace(tzinfo=UTC),
        category=category,
        closing_category=closing_category,
        narrative=narrative,
    )
    return bool(find_behaviours(event))
