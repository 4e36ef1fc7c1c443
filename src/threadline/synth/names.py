"""Made-up but plausible names for a county in England, with how call handlers bend them.

Frequencies follow England's rough shape (Smith, Jones and Williams common; Patel, Khan and Singh
among the commonest; Polish, Irish, Scottish, Welsh and Caribbean families present), and English
forenames depend on the decade of birth. The weights are small integers: a pick table repeats each
name ``weight`` times so that choosing is one index into a tuple.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

Weighted = Sequence[tuple[str, int]]


def pick_table(weighted: Weighted) -> tuple[str, ...]:
    """Expand ``[("Smith", 3), ...]`` into a tuple in which each name appears ``weight`` times."""
    return tuple(name for name, weight in weighted for _ in range(weight))


def _w(text: str) -> list[tuple[str, int]]:
    """``"Smith 30, Jones 25"`` → ``[("Smith", 30), ("Jones", 25)]`` (compact tables)."""
    out = []
    for item in text.split(","):
        name, _, weight = item.strip().rpartition(" ")
        out.append((name, int(weight)))
    return out


#: Per thousand people of each origin, how many carry a surname of the origin's head table
#: (:data:`SURNAMES`); the rest take one from the long tail (:data:`SURNAME_TAILS`). England's
#: surnames are spread thin: Smith, the commonest, is about 1.2-1.4 % of people in England and
#: Wales (General Register Office deaths 1984-97, electoral registers 1996), the top ten about
#: 6 %, and Britain has more than 45,000 surnames with a hundred bearers or more (Family Names
#: of the United Kingdom project, University of the West of England, 2016). With only the head
#: tables Smith was 4.8 % of the synthetic force and the top ten 25 %: four times as many
#: namesakes as a real force, so a name recorded alone was far more ambiguous than it is.
SURNAME_HEAD_PERMILLE: dict[str, int] = {
    "english": 250, "scottish": 250, "welsh": 450, "irish": 300, "caribbean": 300,
    "polish": 250, "south_asian": 1000,
}  # fmt: skip

#: English place-name elements: a prefix and a suffix make a surname (Ash + worth, Brad + ley).
_TAIL_PREFIXES = (
    "Ash Ald Alder Ames Arn Ather Ayl Bark Barn Bart Beck Bed Bel Ben Bex Bick Bird Black Blen "
    "Bol Bos Brad Bram Bran Brent Brid Brom Brook Buck Bur Burn Cal Can Car Cart Chad Chal Chat "
    "Ches Chil Clay Clif Cog Cold Com Cot Crab Cran Crom Cross Dal Dar Den Dent Dun Ed Elm Els "
    "Elt Ever Fair Far Fen Fern Fin Fox Full Gar Gat Glad Gold Good Gran Gris Had Hal Ham Hard "
    "Har Hart Has Hay Hed Hen Her Hey High Hol Horn Hud Hun Ing Ken Kent Kil Kirk Knap Lam Lang "
    "Lat Lea Led Lin Lit Lock Long Lud Lyn Mal Man Mar Mat Mel Mid Mil Mor Moss Nel New Nor Not "
    "Oak Ock Old Os Ot Ox Pad Pen Pem Pick Pil Pres Rad Ram Rav Red Ren Rick Rid Ring Rock Ros "
    "Rud Rush Sal Sand Sax Shel Sher Ship Shot Sid Silver Skel Som South Span Stan Stap Stock "
    "Strat Sud Sum Sut Swin Tad Tat Ten Thorn Thur Tib Tod Tre Up Wad Wake Wal War Wat Wed Wel "
    "Wen West Whit Wick Wil Win Wint Wol Wood Wor Yard Yat"
).split()
_TAIL_SUFFIXES = (
    "ley ton ford field worth wood well by ham bury den more shaw stone thorpe croft wick land "
    "dale combe hurst house ridge bridge brook gate hall man er ington stead cott low nell "
    "borough mere hill burn ney ster"
).split()
_POLISH_STEMS = (
    "Kowal Wrob Sob Jasin Piet Gorz Zaj Krol Wiecz Mich Pawl Grab Kacz Dud Ros Stan Wal Ostrow "
    "Sik Bar Cies Chmiel Jab Kub Lis Malin Olsz Przyb Rut Sadow Szcz Tom Urb Wit Zal Bork Czap "
    "Dom Fil Gaw Jur Kos Lip Marc Now Orl Rad Sok Tar Wlod Zar"
).split()
_POLISH_ENDINGS = "ski czyk ak ewicz owski ek ik".split()


def _compose(prefixes: Sequence[str], suffixes: Sequence[str]) -> tuple[str, ...]:
    """Every prefix + suffix, a doubled letter at the joint kept single, in a fixed
    well-mixed order (the order decides which are commoner)."""
    names: dict[str, None] = {}
    for suffix in suffixes:
        for prefix in prefixes:
            joint = suffix[1:] if prefix[-1] == suffix[0] else suffix
            names.setdefault(prefix + joint, None)
    return tuple(sorted(names, key=lambda name: zlib.crc32(name.encode())))


#: The long tail of surnames by origin: many names, each rare (weights fall as 1 / (rank + 100)).
SURNAME_TAILS: dict[str, tuple[str, ...]] = {
    "british": _compose(_TAIL_PREFIXES, _TAIL_SUFFIXES),
    "polish": _compose(_POLISH_STEMS, _POLISH_ENDINGS),
}
TAIL_OF_ORIGIN = {
    "english": "british", "scottish": "british", "welsh": "british", "irish": "british",
    "caribbean": "british", "polish": "polish",
}  # fmt: skip


#: Share of households by family origin, per thousand.
ORIGINS = _w(
    "english 720, scottish 35, welsh 40, irish 40, south_asian 85, polish 45, caribbean 35"
)

SURNAMES: dict[str, list[tuple[str, int]]] = {
    "english": _w(
        "Smith 60, Jones 40, Williams 30, Taylor 30, Brown 28, Davies 22, Evans 16, Wilson 20, "
        "Thomas 16, Johnson 16, Roberts 16, Robinson 14, Thompson 14, Wright 14, Walker 14, "
        "White 12, Edwards 12, Hughes 12, Green 12, Hall 12, Lewis 10, Harris 10, Clarke 10, "
        "Jackson 10, Wood 10, Turner 10, Martin 10, Cooper 10, Hill 10, Ward 10, Morris 10, "
        "Moore 10, Clark 8, Lee 8, King 8, Baker 8, Harrison 8, Morgan 8, Allen 8, James 8, "
        "Scott 8, Phillips 8, Watson 8, Davis 6, Parker 8, Price 6, Bennett 6, Young 6, "
        "Griffiths 6, Mitchell 6, Cook 6, Carter 6, Richardson 6, Bailey 6, Collins 6, Bell 6, "
        "Shaw 6, Miller 5, Cox 5, Richards 5, Marshall 5, Anderson 5, Simpson 5, Ellis 5, "
        "Adams 5, Wilkinson 5, Foster 5, Chapman 5, Powell 5, Webb 5, Rogers 5, Gray 5, "
        "Mason 5, Hunt 5, Matthews 5, Holmes 4, Mills 4, Barnes 4, Knight 4, Lloyd 4, "
        "Butler 4, Russell 4, Barker 4, Fisher 4, Stevens 4, Jenkins 4, Dixon 4, Harvey 4, "
        "Fletcher 4, Pearson 4, Hopkins 3, Allan 2, Thomson 2, Philips 2, Reed 3, Read 2, "
        "Reid 2, Stephens 3, Johnston 2, Greene 1, Browne 1, Mathews 1, Poole 3, Tomlinson 3, "
        "Bradbury 2, Bickley 2, Salt 2, Plant 2, Boulton 2, Wheeldon 1, Machin 2, Bloor 2"
    ),
    "scottish": _w(
        "Campbell 8, Stewart 8, MacDonald 6, McDonald 4, Robertson 6, Reid 5, Murray 5, "
        "Ross 4, Fraser 4, Henderson 4, Paterson 4, Cameron 4, Ferguson 4, Hamilton 3, "
        "Graham 3, Kerr 3, McKenzie 3, Sinclair 2, Thomson 4"
    ),
    "welsh": _w(
        "Jones 14, Williams 10, Davies 10, Evans 8, Thomas 7, Roberts 6, Hughes 5, Lewis 5, "
        "Morgan 5, Griffiths 4, Owen 4, Price 4, Jenkins 3, Powell 3, Lloyd 3, Rees 3, "
        "Pritchard 2, Bowen 2, Vaughan 2, Pugh 2"
    ),
    "irish": _w(
        "Murphy 8, Kelly 7, O'Brien 5, O'Connor 5, Byrne 4, Ryan 4, Walsh 4, O'Neill 4, "
        "Doyle 3, McCarthy 3, Gallagher 3, Doherty 3, Kennedy 3, Lynch 3, Quinn 3, Brennan 2, "
        "Fitzgerald 2, Donnelly 2"
    ),
    "south_asian": _w(
        "Khan 14, Patel 14, Ali 10, Hussain 10, Ahmed 9, Begum 4, Singh 9, Shah 5, Akhtar 4, "
        "Mahmood 4, Iqbal 4, Rahman 4, Islam 3, Sharma 4, Kumar 4, Mistry 3, Chauhan 3, "
        "Malik 4, Sandhu 3, Gill 4, Dhillon 2, Parmar 3, Choudhury 3, Aslam 2, Rashid 2, Javed 2, "
        "Hussein 1"
    ),
    "polish": _w(
        "Nowak 8, Kowalski 6, Wisniewski 4, Wojcik 4, Kowalczyk 4, Kaminski 3, Lewandowski 4, "
        "Zielinski 3, Szymanski 3, Wozniak 3, Dabrowski 3, Kozlowski 2, Jankowski 2, Mazur 3, "
        "Krawczyk 2"
    ),
    "caribbean": _w(
        "Campbell 5, Brown 6, Williams 5, Francis 4, Henry 4, Grant 4, Thomas 3, Clarke 3, "
        "Robinson 3, Lewis 3, Johnson 3, Walker 2, Morgan 2, Bailey 2, Reid 2, Gordon 2, "
        "Powell 2, Edwards 2"
    ),
}

_ENGLISH_MALE_OLD = _w(
    "David 30, John 28, Paul 22, Mark 20, Michael 20, Andrew 18, Stephen 15, Peter 14, "
    "Richard 14, Robert 14, Ian 12, Gary 12, Christopher 12, Steven 10, Anthony 10, Martin 10, "
    "Kevin 10, Simon 9, James 9, William 8, Darren 8, Neil 7, Gareth 5, Barry 5, Keith 5, "
    "Terence 4, Kenneth 4, Graham 6, Philip 7, Nicholas 7, Jonathan 6, Timothy 5, Wayne 5, "
    "Lee 6, Dean 5, Craig 5, Jason 6, Shaun 4, Raymond 4, Brian 6, Colin 5, Trevor 3, Derek 3, "
    "Roger 3, Malcolm 3, Alan 6, Carl 4, Matthew 6, Thomas 5, Edward 3, Charles 3, Daniel 5, "
    "Ronald 2, Frederick 1, Lawrence 1, Gerald 2"
)
_ENGLISH_MALE_NEW = _w(
    "Oliver 12, Jack 16, Harry 14, George 10, Charlie 10, Thomas 14, James 16, William 10, "
    "Joshua 14, Daniel 14, Samuel 10, Joseph 10, Matthew 12, Ryan 12, Liam 10, Callum 8, "
    "Connor 8, Jordan 8, Lewis 8, Nathan 8, Jake 6, Luke 8, Adam 8, Alexander 6, Benjamin 8, "
    "Jacob 8, Kieran 6, Bradley 6, Aaron 5, Tyler 5, Alfie 5, Leo 5, Oscar 5, Ethan 6, Dylan 5, "
    "Reece 5, Michael 6, Christopher 6, David 5, Jamie 6, Nicholas 3, Edward 3, Henry 4, "
    "Frederick 2, Stephen 2, Andrew 4, Jonathan 3, Anthony 3, Gareth 2, Robert 4, Richard 3"
)
_ENGLISH_FEMALE_OLD = _w(
    "Susan 20, Sarah 18, Karen 16, Julie 15, Elizabeth 10, Margaret 10, Patricia 8, Linda 10, "
    "Deborah 10, Tracey 10, Joanne 10, Nicola 10, Lisa 12, Michelle 12, Helen 12, Amanda 10, "
    "Claire 12, Jacqueline 6, Sharon 8, Kerry 5, Alison 8, Catherine 7, Christine 8, Jennifer 7, "
    "Rachel 8, Emma 10, Louise 8, Dawn 5, Samantha 8, Victoria 7, Rebecca 7, Angela 8, Wendy 5, "
    "Janet 6, Gillian 5, Katherine 4, Stephanie 4, Jane 8, Ann 6, Carol 7, Maureen 3, "
    "Pauline 4, Denise 4, Diane 5, Lorraine 4"
)
_ENGLISH_FEMALE_NEW = _w(
    "Emma 12, Sophie 14, Jessica 14, Charlotte 12, Amy 12, Lauren 12, Hannah 10, Chloe 12, "
    "Rebecca 10, Olivia 10, Amelia 8, Emily 12, Georgia 8, Megan 10, Holly 8, Ellie 8, Lucy 10, "
    "Katie 10, Bethany 8, Jade 8, Samantha 6, Stephanie 5, Natalie 6, Danielle 6, Gemma 8, "
    "Laura 10, Rachel 6, Victoria 6, Abigail 6, Eleanor 5, Isabella 5, Grace 6, Leanne 5, "
    "Kimberley 4, Kayleigh 4, Alexandra 4, Nicola 3, Jennifer 4, Sarah 6, Elizabeth 4, "
    "Catherine 3, Chelsea 4, Shannon 4, Zoe 6, Natasha 4"
)

#: Forenames by origin and sex; English ones split by whether born before 1985.
FORENAMES: dict[tuple[str, str], list[tuple[str, int]]] = {
    ("english_old", "male"): _ENGLISH_MALE_OLD,
    ("english_old", "female"): _ENGLISH_FEMALE_OLD,
    ("english", "male"): _ENGLISH_MALE_NEW,
    ("english", "female"): _ENGLISH_FEMALE_NEW,
    ("scottish", "male"): _w(
        "Alasdair 2, Iain 4, Hamish 2, Callum 4, Craig 4, Fraser 3, Scott 4, Euan 3, Ross 3, "
        "Duncan 3, Angus 2, Gordon 3, Stuart 4, James 4, John 3"
    ),
    ("scottish", "female"): _w(
        "Morag 2, Eilidh 3, Kirsty 4, Fiona 4, Catriona 2, Shona 3, Ailsa 2, Iona 2, Heather 3, "
        "Mhairi 2, Lorna 3, Rebecca 2"
    ),
    ("welsh", "male"): _w(
        "Dafydd 3, Rhys 5, Gareth 5, Aled 2, Owain 3, Iwan 2, Gethin 2, Emyr 1, Huw 3, Ieuan 2, "
        "Dylan 3, Rhodri 2, David 3"
    ),
    ("welsh", "female"): _w(
        "Cerys 4, Sian 5, Bethan 4, Catrin 3, Ffion 3, Rhian 3, Angharad 2, Nia 3, Eleri 2, "
        "Carys 3, Gwen 2"
    ),
    ("irish", "male"): _w(
        "Sean 5, Patrick 5, Padraig 2, Ciaran 3, Declan 3, Liam 3, Niall 3, Eoin 2, Conor 3, "
        "Cormac 1, Kieran 2, Brendan 2, Darragh 1, Michael 3"
    ),
    ("irish", "female"): _w(
        "Siobhan 4, Aoife 3, Niamh 4, Ciara 3, Roisin 2, Orla 3, Saoirse 2, Sinead 3, Mairead 1, "
        "Grainne 1, Caoimhe 1, Deirdre 2, Mary 3"
    ),
    ("south_asian", "male"): _w(
        "Mohammed 20, Muhammad 10, Ali 5, Imran 6, Adnan 4, Asif 5, Tariq 5, Zahid 4, Amir 5, "
        "Hamza 5, Bilal 4, Usman 4, Raj 4, Rajesh 3, Sanjay 3, Harpreet 3, Gurpreet 3, "
        "Sukhwinder 2, Arjun 3, Rohan 3, Vikram 2, Abdul 5, Faisal 3, Sajid 3, Yusuf 3, Ibrahim 3"
    ),
    ("south_asian", "female"): _w(
        "Fatima 8, Aisha 7, Ayesha 4, Amina 4, Zainab 5, Maryam 6, Sana 4, Nadia 4, Samina 3, "
        "Shazia 3, Nasreen 3, Rukhsana 2, Priya 5, Sunita 3, Anjali 3, Pooja 3, Harjit 2, "
        "Manjit 2, Simran 3, Jaspreet 3, Noor 3, Hafsa 3, Iqra 3, Saima 3"
    ),
    ("polish", "male"): _w(
        "Piotr 4, Krzysztof 4, Tomasz 4, Pawel 3, Marcin 3, Michal 3, Lukasz 3, Jakub 3, Adam 2, "
        "Marek 2, Grzegorz 2, Kamil 3, Mateusz 3, Dawid 2, Bartosz 2, Aleksander 2"
    ),
    ("polish", "female"): _w(
        "Anna 5, Katarzyna 4, Malgorzata 3, Agnieszka 3, Joanna 3, Magdalena 3, Monika 3, Ewa 2, "
        "Karolina 3, Natalia 3, Aleksandra 2, Zuzanna 2, Justyna 2, Paulina 2, Dominika 2"
    ),
    ("caribbean", "male"): _w(
        "Marcus 4, Jermaine 3, Tyrone 3, Leon 4, Delroy 2, Winston 2, Dwayne 3, Andre 3, "
        "Kwame 1, Nathaniel 2, Devon 2, Errol 2, Clive 2, Michael 3"
    ),
    ("caribbean", "female"): _w(
        "Shanice 3, Keisha 3, Tanisha 2, Marcia 3, Beverley 3, Jasmine 3, Monique 2, Simone 3, "
        "Chantelle 3, Aaliyah 2, Precious 1, Abena 1, Michelle 3"
    ),
}

#: The forms a handler writes instead of the given name (British forms included: Gaz, Baz, Shaz).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Gareth": ("Gaz",),
    "Gary": ("Gaz",),
    "Barry": ("Baz",),
    "Darren": ("Daz",),
    "Sharon": ("Shaz",),
    "Kerry": ("Kez",),
    "Nicholas": ("Nick", "Nicky"),
    "Rebecca": ("Becky", "Becca", "Bex"),
    "William": ("Will", "Bill", "Billy"),
    "Robert": ("Rob", "Bob", "Robbie"),
    "Richard": ("Rich", "Richie", "Dick"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Michael": ("Mike", "Mick", "Micky"),
    "Christopher": ("Chris",),
    "Anthony": ("Tony", "Ant"),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Andrew": ("Andy", "Drew"),
    "David": ("Dave", "Davey"),
    "Joseph": ("Joe", "Joey"),
    "Samuel": ("Sam",),
    "Benjamin": ("Ben",),
    "Jonathan": ("Jon", "Jonny"),
    "Alexander": ("Alex",),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Charles": ("Charlie", "Chas"),
    "Kenneth": ("Ken", "Kenny"),
    "Terence": ("Terry", "Tel"),
    "Philip": ("Phil",),
    "Timothy": ("Tim",),
    "Peter": ("Pete",),
    "Raymond": ("Ray",),
    "Ronald": ("Ron", "Ronnie"),
    "Frederick": ("Fred", "Freddie"),
    "Lawrence": ("Larry", "Laurie"),
    "Gerald": ("Gerry",),
    "Malcolm": ("Mal",),
    "Kevin": ("Kev",),
    "Callum": ("Cal",),
    "Joshua": ("Josh",),
    "Nathan": ("Nate",),
    "Jacob": ("Jake",),
    "Oliver": ("Ollie",),
    "Henry": ("Harry",),
    "Jennifer": ("Jen", "Jenny"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Katherine": ("Kate", "Kath", "Katie"),
    "Catherine": ("Cath", "Cathy", "Kate"),
    "Margaret": ("Maggie", "Peggy"),
    "Victoria": ("Vicky", "Vicki"),
    "Samantha": ("Sam", "Sammy"),
    "Jessica": ("Jess",),
    "Deborah": ("Debbie", "Debs"),
    "Susan": ("Sue", "Suzy"),
    "Patricia": ("Pat", "Trish"),
    "Jacqueline": ("Jackie",),
    "Christine": ("Chris", "Chrissie"),
    "Amanda": ("Mandy",),
    "Nicola": ("Nicky", "Nic"),
    "Stephanie": ("Steph",),
    "Charlotte": ("Charlie", "Lottie"),
    "Alexandra": ("Alex", "Lexi"),
    "Eleanor": ("Ellie", "Nell"),
    "Abigail": ("Abbie", "Abi"),
    "Kimberley": ("Kim",),
    "Natalie": ("Nat",),
    "Natasha": ("Tash",),
    "Danielle": ("Dani",),
    "Bethany": ("Beth",),
    "Gillian": ("Gill",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Rajesh": ("Raj",),
    "Sukhwinder": ("Sukhi",),
    "Katarzyna": ("Kasia",),
    "Malgorzata": ("Gosia",),
    "Agnieszka": ("Aga",),
    "Tomasz": ("Tomek",),
    "Aleksander": ("Olek",),
    "Patrick": ("Pat", "Paddy"),
    "Padraig": ("Paddy",),
    "Dafydd": ("Dai",),
    "Alasdair": ("Ali",),
    "Nathaniel": ("Nat",),
}

#: Surname spellings a handler may write for one another (each group is symmetric).
SURNAME_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Allen", "Allan"),
    ("Thompson", "Thomson"),
    ("Phillips", "Philips"),
    ("Matthews", "Mathews"),
    ("Davies", "Davis"),
    ("Clarke", "Clark"),
    ("Stevens", "Stephens"),
    ("Reid", "Read", "Reed"),
    ("Gray", "Grey"),
    ("Hussain", "Hussein", "Husain"),
    ("Johnson", "Johnston"),
    ("MacDonald", "McDonald"),
    ("Brown", "Browne"),
    ("Green", "Greene"),
    ("Griffiths", "Griffith"),
    ("Lloyd", "Loyd"),
    ("Choudhury", "Chowdhury"),
    ("Mahmood", "Mahmud"),
    ("Ahmed", "Ahmad"),
    ("O'Brien", "OBrien", "O Brien"),
    ("O'Connor", "OConnor", "O'Conner"),
    ("O'Neill", "O'Neil", "ONeill"),
    ("Wojcik", "Wojcick"),
    ("Wisniewski", "Wisnewski"),
    ("Nowak", "Novak"),
    ("Kowalski", "Kovalski"),
    ("McKenzie", "MacKenzie"),
)

SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    name: tuple(other for other in group if other != name)
    for group in SURNAME_VARIANT_GROUPS
    for name in group
}

#: Names so common that several unrelated people in one force carry them.
VERY_COMMON_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("John", "Smith", "male", "english"),
    ("Mohammed", "Khan", "male", "south_asian"),
    ("David", "Jones", "male", "english"),
)


def surname_for_sex(surname: str, sex: str) -> str:
    """Polish surnames in -ski/-cki take -ska/-cka for a woman (Kowalski → Kowalska), and back."""
    if sex == "female" and surname.endswith(("ski", "cki")):
        return surname[:-1] + "a"
    if sex == "male" and surname.endswith(("ska", "cka")):
        return surname[:-1] + "i"
    return surname
