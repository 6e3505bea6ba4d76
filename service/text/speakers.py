"""Finding who speaks: the source noun phrase of a cue, and what a pronoun means.

A speech cue only makes a statement when something that can speak governs it:
a name ("John Kirby", "North Korea"), a role ("a North Korean foreign ministry
spokesperson", "U.S. officials"), a pronoun or "the spokesperson". The noun
phrase is read off the tokens around the cue with small word lists instead of
a parser: subject to the left of the verb (skipping "has", "also", "on
Friday" and appositives between commas), inverted subject to the right
(", said John Kirby."), the object of "according to" / "by" / "quoted X as
saying".

Pronouns and definite descriptions ("he", "the spokesperson", "the ministry",
"The North's official") resolve to the nearest earlier compatible named
source, so the speaker span always points at a name. Compatible means: the
kind fits (a person noun or he/she wants a person, an organisation noun an
organisation or a bare name such as "Brennard" or "Aegean Meridian said it
..."), an organisation noun is of the same sort as the name's own ("the
court" is not an earlier "foreign ministry"), every modifier of the
description occurs in the antecedent ("the foreign ministry" may be
"Russia's foreign ministry", "the defence ministry" is not "the Kremlin"
but a new source, as is "the company's lawyers"), and a noun outside the
word lists ("the attache", "the gang") was used to introduce the antecedent.
A definite short name ("the Foreign Office") points at the fuller name it
repeats; "his lawyer" is a source of its own, "its spokesman" speaks for "it".
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from .quotes import (
    DETERMINERS,
    GERUND_PREPOSITIONS,
    INVERTIBLE_VERBS,
    NOUN_LIKE_VERBS,
    PASSIVE_AUXILIARIES,
    SPEECH_NOUNS,
    SPEECH_VERB_FORMS,
    Token,
)
from .types import Span

# --------------------------------------------------------------------------- word lists

# fmt: off
PRONOUN_TYPES: dict[str, str] = {
    "he": "person", "she": "person", "him": "person", "her": "person",
    "they": "plural", "them": "plural", "it": "org",
}
RELATIVE_PRONOUNS = frozenset({"who", "which"})
PERSON_NOUNS = frozenset({
    "spokesperson", "spokesman", "spokeswoman", "official", "minister", "president", "ambassador", "envoy",
    "diplomat", "analyst", "expert", "source", "representative", "lawmaker", "senator", "legislator", "prosecutor",
    "investigator", "researcher", "scientist", "lawyer", "attorney", "director", "chief", "executive", "ceo",
    "chairman", "chairwoman", "chair", "leader", "head", "secretary", "commander", "general", "officer", "adviser",
    "advisor", "aide", "negotiator", "witness", "resident", "activist", "campaigner", "critic", "supporter", "doctor",
    "physician", "manager", "founder", "owner", "premier", "chancellor", "governor", "mayor", "judge", "coach",
    "player", "athlete", "author", "economist", "consultant", "employee", "worker", "member", "deputy", "counterpart",
    "strategist", "professor", "inspector", "auditor", "regulator", "commissioner", "councillor", "councilor",
    "president-elect", "king", "queen", "prince", "monarch", "pope", "cleric", "colonel",
    "admiral", "captain", "sergeant", "veteran", "survivor", "victim", "whistleblower", "insider", "defector",
    "cfo", "coo", "engineer", "epidemiologist", "virologist", "scholar", "historian", "observer",
    "monitor", "agent", "partner", "boss", "sister", "brother", "wife", "husband", "mother", "father", "son",
    "daughter",
    "businessman", "businesswoman", "tycoon", "billionaire", "oligarch", "politician", "candidate", "nominee",
    "deputies", "people", "staff", "personnel", "crew",
})
PLURAL_PERSON_NOUNS = frozenset({
    "officials", "spokespeople", "ministers", "diplomats", "analysts", "experts", "sources", "representatives",
    "lawmakers", "senators", "legislators", "prosecutors", "investigators", "researchers", "scientists", "lawyers",
    "attorneys", "directors", "leaders", "commanders", "officers", "advisers", "advisors", "aides", "negotiators",
    "witnesses", "residents", "activists", "campaigners", "critics", "supporters", "doctors", "physicians",
    "managers", "executives", "economists", "consultants", "employees", "workers", "members", "people", "staff",
    "authorities", "police", "observers", "monitors", "inspectors", "auditors", "regulators", "engineers",
    "historians", "scholars", "survivors", "victims", "insiders", "defectors", "villagers", "locals", "citizens",
    "protesters", "voters", "players", "athletes", "personnel", "crew", "troops", "soldiers", "parents", "teachers",
})
ORG_NOUNS = frozenset({
    "ministry", "government", "agency", "company", "firm", "group", "department", "office", "embassy", "council",
    "commission", "committee", "court", "military", "army", "navy", "administration", "authority", "regime",
    "party", "union", "association", "federation", "organization", "organisation", "board", "bank", "parliament",
    "congress", "senate", "media", "newspaper", "outlet", "broadcaster", "television", "network", "website",
    "channel", "watchdog", "institute", "university", "foundation", "coalition", "alliance", "bloc", "command",
    "service", "team", "club", "league", "manufacturer", "maker", "operator", "airline", "utility", "hospital",
    "intelligence", "cabinet", "presidency", "kremlin", "pentagon", "secretariat", "tribunal", "mission",
    "corporation", "conglomerate", "startup", "developer", "producer", "supplier", "carrier", "lab", "laboratory",
    "regulator", "ministries", "governments", "agencies", "companies", "firms", "groups", "state",
})
# Nouns for a document or message; "the envoy's statement said" is the envoy speaking.
DOCUMENT_NOUNS = frozenset({
    "statement", "report", "reports", "study", "document", "letter", "post", "tweet", "release", "communique",
    "assessment", "survey", "analysis", "memo", "filing", "indictment", "complaint", "ruling", "verdict",
    "announcement", "notice", "commentary", "editorial", "article", "dispatch", "account", "transcript", "data",
    "paper", "newspaper", "daily",
})
# Evidence that "shows" something: "records show", "the data showed".
DATA_NOUNS = frozenset({
    "data", "records", "record", "documents", "files", "images", "image", "footage", "logs", "figures",
    "statistics", "analysis", "review", "study", "survey", "results", "tests", "test", "video", "videos", "emails",
    "messages", "filings", "receipts", "invoices", "manifests", "photographs", "report", "reports", "investigation",
    "audit", "probe", "inquiry", "findings", "evidence", "recordings", "transcripts", "minutes",
})
# A message's words are its sender's: "the statement said" continues the last source.
UTTERANCE_NOUNS = frozenset({
    "statement", "message", "commentary", "post", "tweet", "letter", "editorial", "release", "communique",
})
OUTLET_UTTERANCES = frozenset({"editorial", "commentary"})
# Words in a proper name that make it an organisation or a place acting as one.
ORG_NAME_WORDS = frozenset({
    "house", "ministry", "group", "agency", "council", "department", "office", "commission", "committee", "court",
    "government", "inc", "corp", "co", "ltd", "llc", "plc", "gmbh", "bank", "party", "union", "organization",
    "organisation", "nations", "kremlin", "pentagon", "institute", "university", "foundation", "company",
    "corporation", "association", "federation", "forces", "army", "navy", "command", "times", "post", "news",
    "press", "shimbun", "daily", "journal", "herald", "tribune", "telegraph", "guardian", "center", "centre",
    "fund", "reserve", "board", "authority", "service", "services", "network", "airlines", "motors", "systems",
    "technologies", "pharmaceuticals", "labs", "media", "wagner", "hamas", "hezbollah", "taliban", "who", "nato",
    "kcna", "yonhap", "reuters", "afp", "ap", "tass", "xinhua", "kyodo", "interfax", "ria", "bbc", "cnn", "dprk",
    "parliament", "congress", "senate", "assembly", "police", "directorate", "bureau", "administration", "alliance",
    "coalition", "watch", "international", "project", "front", "legion", "team", "club", "league", "analytics",
    "airways", "athletic", "consulting", "partners", "capital", "industries", "holdings", "insight", "monitor",
    "ministries", "cabinet", "staff", "customs", "protection", "embassy", "consulate", "chamber", "trust",
})
GEO_WORDS = frozenset({
    "us", "u.s.", "usa", "u.s.a.", "america", "uk", "u.k.", "britain", "england", "eu", "u.n.", "un", "russia",
    "ukraine", "china", "japan", "korea", "north", "south", "iran", "iraq", "syria", "israel", "turkey", "india",
    "pakistan", "afghanistan", "germany", "france", "italy", "spain", "poland", "belarus", "canada", "mexico",
    "brazil", "australia", "taiwan", "vietnam", "libya", "mali", "egypt", "saudi", "arabia", "qatar", "yemen",
    "lebanon", "jordan", "georgia", "moldova", "hungary", "serbia", "kosovo", "sweden", "finland", "norway",
    "denmark", "netherlands", "belgium", "switzerland", "austria", "greece", "romania", "bulgaria", "kazakhstan",
    "washington", "moscow", "kyiv", "kiev", "beijing", "tokyo", "seoul", "pyongyang", "london", "paris", "berlin",
    "brussels", "tehran", "ankara", "jerusalem", "delhi", "islamabad", "kabul", "damascus", "baghdad", "minsk",
    "warsaw", "ottawa", "canberra", "taipei", "hanoi", "cairo", "riyadh", "doha", "beirut", "geneva", "vienna",
    "states", "kingdom", "republic", "federation", "emirates", "union",
})
# Sources that merely carry someone else's statement; they lose to any other source.
CARRIER_WORDS = frozenset({
    "kcna", "yonhap", "reuters", "afp", "ap", "tass", "xinhua", "kyodo", "interfax", "ria", "novosti",
    "bloomberg", "bbc", "cnn", "media", "newspaper", "broadcaster", "television", "outlet", "outlets",
})
CARRIER_PHRASES = ("news agency", "central news", "state media", "media report", "official media", "state-run")
DETERMINER_STARTS_ANAPHOR = frozenset({"the", "this", "that"})
POSSESSIVE_DETERMINERS: dict[str, str] = {"its": "org", "their": "plural", "his": "person", "her": "person"}
# Role nouns that refer back to one another ("the spokesman" after "a ministry spokesperson").
ROLE_CLASSES: tuple[frozenset[str], ...] = (
    frozenset({"spokesperson", "spokesman", "spokeswoman", "spokespeople", "representative"}),
    frozenset({"ambassador", "envoy", "diplomat"}),
    frozenset({"head", "chief", "director", "chairman", "chairwoman", "chair", "leader", "boss"}),
    frozenset({"lawyer", "attorney", "counsel"}),
    frozenset({"minister", "secretary"}),
)
SPOKES_NOUNS = frozenset({"spokesperson", "spokesman", "spokeswoman", "spokespeople", "spokesmen", "spokeswomen"})
# "the official" can mean any earlier person described by a role.
GENERIC_PERSON_HEADS = frozenset({"official", "officer"})
# Organisation words that may stand for a country ("the government" after "North Korea").
GEO_HEADS = frozenset({
    "government", "country", "state", "nation", "administration", "authorities", "regime", "leadership",
})
# Head nouns of a definite description that refers back ("the gang", "the attache") besides the source nouns
# above; an antecedent must have been introduced with the same noun unless the noun is listed here.
ANAPHOR_ORG_NOUNS = frozenset({
    "gang", "chamber", "consortium", "centre", "center", "directorate", "unit", "panel", "campaign", "site",
    "body", "lobby", "charity", "nonprofit", "platform", "consulate", "bureau", "inspectorate", "carmaker",
    "automaker", "drugmaker", "retailer", "lender", "insurer", "consultancy", "contractor", "exporter", "monitor",
    "regulator", "city", "council", "authorities", "departments", "tribunal", "force", "police", "newspaper",
    "paper", "daily", "tabloid", "magazine", "outlet", "broadcaster", "channel", "agency", "school", "college",
    "hospital", "network", "collective", "movement", "opposition", "inquiry",
})
ANAPHOR_PERSON_NOUNS = frozenset({
    "attache", "trader", "student", "attendee", "academic", "scientist", "surgeon", "nurse", "pilot", "farmer",
    "soldier", "fighter", "hacker", "dissident", "defendant", "plaintiff", "claimant", "juror", "mother",
    "father", "man", "woman", "technician", "specialist", "analyst", "columnist", "editor", "presenter",
})
# Organisation head nouns that may refer to one another; two heads in no common class do not
# ("the court" is not an earlier "foreign ministry", "the firm" not a "University of Liverpool").
ORG_HEAD_CLASSES: tuple[frozenset[str], ...] = (
    frozenset({
        "company", "firm", "group", "corporation", "corp", "inc", "ltd", "plc", "llc", "gmbh", "co", "ag",
        "conglomerate", "maker", "manufacturer", "carmaker", "automaker", "drugmaker", "producer", "supplier",
        "retailer", "operator", "developer", "startup", "business", "pharmaceuticals", "motors", "airlines",
        "airline", "carrier", "technologies", "technology", "systems", "labs", "networks", "industries", "holdings",
        "lender", "insurer", "consultancy", "contractor", "exporter", "utility", "bank", "chain", "brand",
    }),
    frozenset({"bank", "lender", "group", "institution"}),
    frozenset({"ministry", "department", "office", "government", "secretariat"}),
    frozenset({
        "government", "administration", "cabinet", "presidency", "regime", "authorities", "executive", "state",
        "kremlin", "leadership", "country", "nation",
    }),
    frozenset({
        "agency", "service", "authority", "office", "directorate", "bureau", "administration", "commission",
        "regulator", "watchdog", "body", "centre", "center", "unit", "inspectorate", "department", "force",
    }),
    frozenset({"court", "tribunal"}),
    frozenset({"embassy", "consulate", "mission"}),
    frozenset({
        "newspaper", "paper", "daily", "tabloid", "outlet", "broadcaster", "channel", "television", "network",
        "agency", "site", "website", "magazine", "journal", "times", "post", "station", "publication",
    }),
    frozenset({"university", "institute", "college", "school", "academy", "lab", "laboratory", "centre", "center"}),
    frozenset({"hospital", "clinic", "group", "trust"}),
    frozenset({"party", "alliance", "coalition", "bloc", "movement", "opposition", "campaign", "group"}),
    frozenset({"union", "federation", "association", "league", "body", "club", "chamber", "lobby", "group"}),
    frozenset({"committee", "commission", "panel", "council", "board", "inquiry", "body"}),
    frozenset({"army", "military", "forces", "navy", "command", "force"}),
    frozenset({"police", "force", "service"}),
    frozenset({"gang", "group", "network", "collective", "team", "organisation", "organization"}),
    frozenset({"charity", "group", "foundation", "organisation", "organization", "nonprofit", "ngo", "monitor"}),
)
ORG_HEAD_WORDS = frozenset().union(*ORG_HEAD_CLASSES)
ORG_DESCRIPTOR_NOUNS = ORG_NOUNS | ANAPHOR_ORG_NOUNS | ORG_HEAD_WORDS | ORG_NAME_WORDS | DOCUMENT_NOUNS
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "lord", "lady", "rev", "mr.", "mrs.", "ms.", "dr."})
PERSON_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "che", "ee")
PLURAL_PERSON_SUFFIXES = ("ers", "ors", "ists", "ians", "ants", "ents", "men", "ees")
# Prepositions that may sit inside a source name: "spokesperson at the ministry", "Ambassador to the UN".
NP_PREPOSITIONS = frozenset({"of", "at", "to", "for"})
NP_MODIFIERS = frozenset({
    "senior", "unnamed", "unidentified", "anonymous", "foreign", "former", "top", "chief", "deputy", "national",
    "security", "military", "state", "defense", "defence", "intelligence", "press", "vice", "general", "local",
    "regional", "federal", "health", "interior", "justice", "finance", "trade", "economy", "energy", "public",
    "independent", "international", "western", "eastern", "northern", "southern", "private", "powerful", "vocal",
    "leading", "prominent", "acting", "interim", "outgoing", "incoming", "new", "two", "three", "several", "some",
    "many", "other", "government", "white", "house", "news", "media", "ministry", "official", "opposition",
    "ruling", "agency", "company", "police", "army", "navy", "air", "force", "armed", "forces", "team", "club",
    "board", "party", "union", "us", "un", "eu", "affairs", "communications", "relations", "policy", "spy",
    "nuclear", "environment", "environmental", "agriculture", "transport", "education", "labour", "labor", "own",
})
ADJECTIVE_SUFFIXES = ("al", "ian", "ese", "ish", "ic", "ary", "ern", "ive", "ist", "ous")
FUNCTION_WORDS = frozenset({
    "the", "a", "an", "but", "and", "or", "nor", "so", "yet", "however", "meanwhile", "also", "in", "on", "at",
    "for", "with", "from", "by", "to", "of", "after", "before", "when", "while", "as", "if", "although", "though",
    "since", "because", "earlier", "later", "still", "then", "there", "here", "this", "that", "these", "those",
    "it", "he", "she", "they", "we", "i", "you", "his", "her", "their", "its", "our", "my", "your", "what",
    "which", "who", "whom", "whose", "where", "why", "how", "not", "no", "yes", "according", "asked", "speaking",
    "separately", "instead", "indeed", "moreover", "furthermore", "additionally", "nevertheless", "nonetheless",
    "thus", "therefore", "hence", "overall", "finally", "first", "second", "last", "next", "now", "today",
    "yesterday", "tomorrow", "tonight", "recently", "once", "over", "under", "into", "about", "against",
    "between", "during", "despite", "without", "within", "among", "amid", "via", "per", "like", "unlike",
    "some", "many", "most", "all", "both", "each", "every", "any", "other", "another", "such", "only", "even",
    "one", "two", "three", "photo", "read", "more", "related", "source", "link", "updated", "reporting",
    "editing", "writing", "comments", "attn", "urgent", "end", "lead", "ld",
})
TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today", "yesterday", "tonight", "tomorrow",
    "morning", "evening", "afternoon", "night", "week", "month", "year", "day", "weekend",
})
# Common lower-case words that are never the head of a source phrase.
NON_NOUNS = frozenset({
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
    "can", "could", "may", "might", "must", "shall", "should", "said", "says", "very", "more", "less", "much",
    "than", "whether", "who", "whom", "which", "because", "nothing", "anything", "something", "everything",
    "nobody", "everyone", "anyone", "someone", "none", "themselves", "itself", "himself", "herself", "us", "me",
    "them", "him", "own", "same", "such", "just", "only", "well", "up", "out", "off", "down", "away", "back",
    "reporters", "journalists", "lightly", "here", "there", "where",
})
NAME_PARTICLES = frozenset({
    "van", "der", "den", "de", "la", "le", "von", "bin", "al", "da", "di", "du", "ter", "dos", "del",
})
# Words skipped between a subject and its verb: "has", "also", "flatly", "on Friday".
SKIP_BEFORE_VERB = frozenset({
    "has", "have", "had", "will", "would", "can", "could", "may", "might", "must", "shall", "should", "did", "does",
    "do", "is", "are", "was", "were", "also", "not", "never", "n't", "further", "again", "later", "earlier",
    "then", "once", "previously", "first", "last", "this", "on", "reportedly", "often", "always", "already", "too",
    "separately", "similarly", "likewise", "initially", "subsequently", "even", "just", "still", "both",
})
SUBORDINATORS = frozenset({
    "after", "when", "as", "while", "before", "since", "because", "although", "though", "if", "unless", "until",
    "whereas", "once", "where", "whether", "what", "that",
})
INTRO_CONNECTIVES = frozenset({
    "but", "and", "however", "meanwhile", "also", "still", "yet", "so", "moreover", "furthermore", "separately",
    "instead", "indeed", "nevertheless", "nonetheless", "thus", "therefore", "later", "earlier", "now", "then",
})
CLAUSE_DELIMITERS = frozenset({",", "–", "—", "-", "(", ")", ";"})
# "Flights to resume Monday: ministry" / "DATELINE -- The White House said".
DATELINE_RE = re.compile(
    r"(?:\(\w[^)]{0,30}\)\s*)?[A-Z][A-Z./\-' ]{2,40}(?:,\s[^-–—:\n]{1,30}?)?(?:\s*\([^)]{1,30}\))?\s*(?:--|—|–|:)\s+"
)
IMPERSONAL_SUBJECTS = frozenset({"it"})
AS_SAYING = frozenset({"as"})

# How far (tokens) an appositive or a fronted phrase may reach.
MAX_APPOSITIVE_TOKENS = 14
# No source phrase is longer, and no longer run of "has", "also", "on Friday" sits before a verb (news
# text stays far below both: 11 and 3 tokens in the labelled corpus); they bound the work per cue in a
# "sentence" of thousands of capitalised words or "reply reply ...", which would otherwise be quadratic.
MAX_NP_TOKENS = 64
MAX_SKIPPED_TOKENS = 64
MAX_INVERTED_TAIL_TOKENS = 3
MAX_TITLE_TAIL_TOKENS = 6
OBJECT_PREPOSITIONS = frozenset({"of", "on", "about", "to", "for", "with", "by", "from", "in", "at", "against"})
# What may follow an inverted subject: ", said Vera Lukina, a member of ..." / "said Kirby on Thursday".
INVERTED_TAIL_STARTS = frozenset(
    {",", ".", ";", ":", "!", "?", "(", "–", "—", "on", "in", "at", "during", "when", "after", "told", "who"}
)
MAX_INTRO_TOKENS = 12
PARTICIPLE_ENDINGS = ("ed", "ing")
# Words that start a modifier after a subject's head: "an EU diplomat involved in the talks said".
POST_MODIFIER_STARTS = frozenset({
    "of", "at", "to", "for", "in", "on", "near", "from", "with", "familiar", "close", "who", "that", "which",
    "whose", "based", "speaking", "briefed", "working", "inside", "within", "outside", "across", "among",
})
MAX_SUBJECT_CHUNK_TOKENS = 14
MAX_SHORT_PP_TOKENS = 4
SHORT_PP_PREPOSITIONS = frozenset({"in", "at"})
ACRONYM_MIN_LETTERS, ACRONYM_MAX_LETTERS = 2, 5
RELATIVE_STARTS = frozenset({"who", "whose", "which", "that"})
DESCRIPTOR_ENDS = RELATIVE_STARTS | {"in", "at", "of", "for", "from", "with", "on", "to", "by", "based"}
# "one of the officials" is one source; "the second defendant" keeps its ordinal.
PARTITIVE_HEADS = frozenset({"one", "two", "three", "some", "several", "many", "most", "members"})
NUMBER_MODIFIERS = frozenset({"first", "second", "third", "one", "two", "three", "four", "five", "other"})
# Plural heads of a source outside the lists: "Grid security specialists say", "Analysts at ... say".
PLURAL_SOURCE_SUFFIXES = ("ists", "ysts", "ers", "ors", "ians", "ants", "ents", "ars")
LY_NOUNS = frozenset({"assembly", "family", "ally", "rally", "supply", "monopoly", "anomaly"})
# Modifiers that say how a source is known, not which source it is: "the unidentified spokesman".
NON_RESTRICTIVE_MODIFIERS = frozenset({"unidentified", "unnamed", "anonymous", "same"})
QUOTE_MARKS = frozenset("\"'“”‘’«»‹›„‚「」『』")
# fmt: on


def is_name_token(tok: Token) -> bool:
    """A capitalised word that is not a capitalised function word or a date word; an acronym
    ("IT", "WHO") is a name even when it spells a function word."""
    if not tok.text[0].isupper():
        return False
    if tok.base in FUNCTION_WORDS:
        return ACRONYM_MIN_LETTERS <= len(tok.text) <= ACRONYM_MAX_LETTERS and tok.text.isupper() and tok.text.isalpha()
    return tok.base not in TIME_WORDS


def _in_name(tokens: list[Token], i: int, lo: int, hi: int) -> bool:
    """A name word, or a particle between name words: Joost *van der* Berg."""
    tok = tokens[i]
    if is_name_token(tok):
        return True
    if tok.lower not in NAME_PARTICLES:
        return False
    j = i + 1
    while j < hi and tokens[j].lower in NAME_PARTICLES:
        j += 1
    return i - 1 >= lo and is_name_token(tokens[i - 1]) and j < hi and is_name_token(tokens[j])


def is_source_noun(tok: Token) -> bool:
    base = tok.base
    if "-" in base and tok.text[0].islower():
        base = base.rsplit("-", 1)[1]  # "vice-president"
    return base in PERSON_NOUNS or base in PLURAL_PERSON_NOUNS or base in ORG_NOUNS or base in DOCUMENT_NOUNS


def is_modifier(tok: Token) -> bool:
    if not tok.is_word or tok.text[0].isupper():
        return False
    base = tok.base
    if base in NUMBER_MODIFIERS or base == "lead":
        return True  # "the second defendant", "the group's lead analyst"
    if base in FUNCTION_WORDS or base in SPEECH_VERB_FORMS or base in TIME_WORDS:
        return False
    return base in NP_MODIFIERS or base.endswith(ADJECTIVE_SUFFIXES) or "-" in base


def is_head(tok: Token) -> bool:
    return is_name_token(tok) or is_source_noun(tok)


def _noun_like(tok: Token) -> bool:
    return is_head(tok) or (is_plain_word(tok) and not tok.lower.endswith(PARTICIPLE_ENDINGS))


def is_plain_word(tok: Token) -> bool:
    """A lower-case content word that may be a noun outside the lists ("the attache", "court watchers")."""
    if not tok.is_word or not tok.text[0].islower():
        return False
    low = tok.base
    return not (
        low in FUNCTION_WORDS
        or low in SKIP_BEFORE_VERB
        or low in SUBORDINATORS
        or low in SPEECH_VERB_FORMS
        or low in TIME_WORDS
        or low in DETERMINERS
        or low in NON_NOUNS
        or (low.endswith("ly") and len(low) > 3 and low not in LY_NOUNS)
    )


# --------------------------------------------------------------------------- noun phrases


def np_left(tokens: list[Token], last: int, lo: int) -> tuple[int, int] | None:
    """The source-like noun phrase ending at token ``last`` (inclusive), as [i, j).

    Its last word must be a name, a listed source noun or a pronoun, or else
    a plain lower-case noun anchored by an article, a name or the start of
    the clause ("the attache", "Court watchers").
    """
    if last < lo:
        return None
    tok = tokens[last]
    if (tok.lower in PRONOUN_TYPES or tok.lower in RELATIVE_PRONOUNS) and not is_name_token(tok):
        return last, last + 1  # "he", "who"; not "The WHO"
    strong = is_head(tok)
    if not strong and not is_plain_word(tok) and not _noun_after_article(tokens, last, lo):
        return None
    i = last
    while i - 1 >= lo and last + 1 - i < MAX_NP_TOKENS:
        prev = tokens[i - 1]
        if (
            _in_name(tokens, i - 1, lo, last + 1)
            or is_head(prev)
            or prev.is_possessive
            or is_modifier(prev)
            or is_plain_word(prev)
        ):
            i -= 1
        elif prev.lower in DETERMINERS:
            i -= 1
            if i - 2 >= lo and tokens[i - 1].lower == "of" and tokens[i - 2].lower in PARTITIVE_HEADS:
                i -= 2  # "one of the officials"
                break
            # "spokesperson at the ministry": the article belongs to a prepositional phrase inside the name
            if not (i - 2 >= lo and tokens[i - 1].lower in NP_PREPOSITIONS and _noun_like(tokens[i - 2])):
                break
        elif prev.lower in NP_PREPOSITIONS and i - 2 >= lo and _noun_like(tokens[i - 2]):
            i -= 1
        else:
            break
    if not strong:
        anchored = (
            tokens[i].lower in DETERMINERS
            or tokens[i].lower in PARTITIVE_HEADS
            or any(is_name_token(t) or t.is_possessive for t in tokens[i:last])
            or i == lo
            or tokens[i - 1].text in CLAUSE_DELIMITERS
            or tokens[i - 1].text in QUOTE_MARKS
            or tokens[i - 1].text == ":"
        )
        if not anchored:
            return None
    return i, last + 1


def _noun_after_article(tokens: list[Token], k: int, lo: int) -> bool:
    """ "the show", "the states": a speech-verb form right after an article is a noun."""
    tok = tokens[k]
    return (
        k - 1 >= lo
        and tok.text[0].islower()
        and tok.lower in SPEECH_VERB_FORMS
        and (tokens[k - 1].lower in DETERMINERS or tokens[k - 1].is_possessive)
    )


def np_right(tokens: list[Token], first: int, hi: int) -> tuple[int, int] | None:
    """The source-like noun phrase starting at token ``first``, as [i, j)."""
    if first >= hi:
        return None
    tok = tokens[first]
    if tok.lower in PRONOUN_TYPES:
        return first, first + 1
    start_det = tok.lower in DETERMINERS
    j = first + 1 if start_det else first
    if tok.lower in PARTITIVE_HEADS and first + 2 < hi and tokens[first + 1].lower == "of":
        if tokens[first + 2].lower in PRONOUN_TYPES:
            return first, first + 3  # "one of them"
        start_det, j = True, first + 3 if tokens[first + 2].lower in DETERMINERS else first + 2  # "one of the protesters"
    end = None
    strong = False
    while j < hi and j - first < MAX_NP_TOKENS:
        cur = tokens[j]
        if is_head(cur) or cur.is_possessive or _in_name(tokens, j, first, hi):
            j += 1
            end = j
            strong = True
        elif tokens[j - 1].is_possessive and is_plain_word(cur) and not cur.lower.endswith(PARTICIPLE_ENDINGS):
            j += 1  # "the group's coordinator"
            end = j
        elif strong and (is_plain_word(cur) or is_modifier(cur)):
            j += 1  # only kept if another listed head follows: "White House national security spokesman"
        elif (start_det or end is not None) and is_plain_word(cur) and not cur.lower.endswith(PARTICIPLE_ENDINGS):
            j += 1
            end = j
        elif is_modifier(cur) or is_plain_word(cur):
            j += 1
        elif (
            cur.lower in NP_PREPOSITIONS
            and end == j
            and j + 1 < hi
            and (is_head(tokens[j + 1]) or tokens[j + 1].lower in DETERMINERS)
        ):
            j += 2 if tokens[j + 1].lower in DETERMINERS else 1
        else:
            break
    return (first, end) if end is not None else None


def skip_left(tokens: list[Token], k: int, lo: int) -> int:
    """Index of the last token before ``k`` that is not an auxiliary, adverb or "on Friday"."""
    j = k - 1
    while j >= lo and k - 1 - j < MAX_SKIPPED_TOKENS:
        tok = tokens[j]
        low = tok.lower
        if (
            low in SKIP_BEFORE_VERB
            or low in TIME_WORDS
            or (low.endswith("ly") and tok.text[0].islower() and len(low) > 3)
        ):
            j -= 1
        else:
            break
    return j


def _is_plural_or_pronoun(tokens: list[Token], np: tuple[int, int]) -> bool:
    head = tokens[np[1] - 1]
    return (
        head.lower in ("they", "i", "we", "you")
        or head.base in PLURAL_PERSON_NOUNS
        or (head.text[0].islower() or np[1] - np[0] > 1) and head.base.endswith(PLURAL_SOURCE_SUFFIXES)
        or "and" in {t.lower for t in tokens[np[0] : np[1]]}
    )


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """The noun phrase that governs a cue, as token indices [start, end).

    ``how`` records the construction: "subject", "inverted", "appositive",
    "relative", "according", "agent" (passive "by"), "quoted-as", "possessor",
    "main-subject" (for a participle) or "impersonal" (no source at all).
    """

    start: int
    end: int
    how: str
    context: tuple[int, int] | None = None  # the whole apposition, "John Kirby, the spokesperson"


def subject_of(tokens: list[Token], k: int, lo: int, hi: int, quoted: list[bool]) -> Source | None:
    """Find the subject of the verb at token ``k``, to its left or inverted after it."""
    j = skip_left(tokens, k, lo)
    if j < lo:
        return None
    tok = tokens[j]
    if tok.text in CLAUSE_DELIMITERS or tok.text in QUOTE_MARKS:
        lemma = SPEECH_VERB_FORMS.get(tokens[k].lower, ("", ""))[0]
        appositive = before_delimiter(tokens, j, lo, quoted) if tok.text in CLAUSE_DELIMITERS else None
        relative = appositive is not None and _relative_between(tokens, j, lo)
        if appositive is not None and (appositive.how == "appositive" or relative):
            return replace(appositive, how="appositive")  # "Kirby, the spokesperson, said" / "Flint, which ..., said"
        inverted = _inverted_subject(tokens, k, hi) if lemma in INVERTIBLE_VERBS else None
        if inverted is None and appositive is not None:
            return replace(appositive, how="appositive")
        return inverted
    if quoted[j]:
        return None
    j = _skip_short_pp(tokens, j, lo)
    np = np_left(tokens, j, lo)
    if np is None:
        first = _chunk_subject(tokens, j, lo)
        return Source(first[0], first[1], "described") if first else None
    if tokens[np[0]].lower in RELATIVE_PRONOUNS:
        antecedent = _antecedent(tokens, np[0], lo, quoted)
        return Source(antecedent.start, antecedent.end, "relative") if antecedent else None
    first = clause_subject(tokens, np, lo)
    return Source(first[0], first[1], "subject" if first == np else "described")


def _skip_short_pp(tokens: list[Token], j: int, lo: int) -> int:
    """Skip "in turn" / "in a statement" between a subject and its verb: "The State Department in turn dismissed"."""
    for p in range(j, max(lo, j - MAX_SHORT_PP_TOKENS) - 1, -1):
        if tokens[p].lower in SHORT_PP_PREPOSITIONS:
            between = tokens[p + 1 : j + 1]
            if (
                p - 1 >= lo
                and is_head(tokens[p - 1])
                and all(t.lower in DETERMINERS or is_plain_word(t) or t.base in TIME_WORDS for t in between)
            ):
                return p - 1
            return j
    return j


def _chunk_subject(tokens: list[Token], j: int, lo: int) -> tuple[int, int] | None:
    """ "A Polish logistics firm that was also named said": the clause's first noun phrase, if a
    relative clause or participle follows it."""
    c, steps = j, 0
    while c - 1 >= lo and steps < MAX_SUBJECT_CHUNK_TOKENS:
        prev = tokens[c - 1]
        if (
            prev.text in CLAUSE_DELIMITERS
            or prev.text in QUOTE_MARKS
            or prev.text == ":"
            or prev.lower in SPEECH_VERB_FORMS
        ):
            break
        c -= 1
        steps += 1
    while c < j and (tokens[c].lower in INTRO_CONNECTIVES or tokens[c].text == ","):
        c += 1
    first = np_right(tokens, c, j + 1)
    if first is None or first[0] != c or first[1] > j:
        return None
    nxt = tokens[first[1]]
    if nxt.lower in ("who", "that", "which") or nxt.lower.endswith(PARTICIPLE_ENDINGS):
        return first
    return None


def clause_subject(tokens: list[Token], np: tuple[int, int], lo: int) -> tuple[int, int]:
    """Prefer the clause's first noun phrase when the rest only modifies it:
    "an EU diplomat involved in the talks said", "Two people familiar with the matter said"."""
    c, steps = np[0], 0
    while c - 1 >= lo and steps < MAX_SUBJECT_CHUNK_TOKENS:
        prev = tokens[c - 1]
        if prev.text in CLAUSE_DELIMITERS or prev.text in QUOTE_MARKS or prev.text == ":":
            break
        if prev.lower in SPEECH_VERB_FORMS:
            return np
        c -= 1
        steps += 1
    else:
        if c - 1 >= lo:
            return np
    while c < np[0] and (tokens[c].lower in INTRO_CONNECTIVES or tokens[c].text == ","):
        c += 1
    if c >= np[0]:
        return np
    first = np_right(tokens, c, np[1])
    if first is None or first[0] != c:
        return np
    if first[1] >= np[1]:
        return first
    nxt = tokens[first[1]]
    if nxt.lower in POST_MODIFIER_STARTS or nxt.lower.endswith(PARTICIPLE_ENDINGS):
        return first
    return np


def _relative_between(tokens: list[Token], d: int, lo: int) -> bool:
    """True when the clause ending at delimiter ``d`` opens with "who"/"which" (a relative clause)."""
    p = d - 1
    while p >= lo and tokens[p].text not in CLAUSE_DELIMITERS:
        p -= 1
    return p >= lo and p + 1 < d and tokens[p + 1].lower in RELATIVE_PRONOUNS


def _inverted_subject(tokens: list[Token], k: int, hi: int) -> Source | None:
    """ ", said White House spokesman John Kirby." — the subject follows the verb."""
    np = np_right(tokens, k + 1, hi)
    if np is None:
        return None
    tail = np[1]  # the rest of the sentence is tokens[tail:hi]; only its first few tokens are read
    if tail < hi and tokens[tail].lower in NP_PREPOSITIONS:
        # ", said the club's head of vehicle testing, Jürgen Wolff.": skip the rest of the title
        title = tokens[tail : min(hi, tail + MAX_TITLE_TAIL_TOKENS)]
        cut = next((i for i, t in enumerate(title) if t.text in (",", ".")), None)
        if cut is not None and not any(t.lower in SPEECH_VERB_FORMS for t in title[:cut]):
            tail += cut  # ", said a spokesman for one of the operators."
    if tail >= hi or tokens[tail].text in INVERTED_TAIL_STARTS or tokens[tail].lower in INVERTED_TAIL_STARTS:
        return Source(np[0], np[1], "inverted")
    if hi - tail <= MAX_INVERTED_TAIL_TOKENS and not any(t.lower in SPEECH_VERB_FORMS for t in tokens[tail:hi]):
        return Source(np[0], np[1], "inverted")
    return None


def before_delimiter(tokens: list[Token], d: int, lo: int, quoted: list[bool]) -> Source | None:
    """Subject of a verb that follows a comma or dash: "X, the spokesperson, said" /
    "X, in a statement on Sunday, slammed" / "X – who ... – is"."""
    p = d - 1
    steps = 0
    while p >= lo and tokens[p].text not in CLAUSE_DELIMITERS and steps <= MAX_APPOSITIVE_TOKENS:
        if tokens[p].text in QUOTE_MARKS and quoted[p] != quoted[d]:
            return None
        p -= 1
        steps += 1
    if p < lo or tokens[p].text not in CLAUSE_DELIMITERS or steps > MAX_APPOSITIVE_TOKENS or steps == 0:
        return None
    inner = tokens[p + 1 : d]
    outer = np_left(tokens, skip_left(tokens, p, lo), lo)
    first = inner[0]
    adverbial = first.lower in GERUND_PREPOSITIONS or first.lower in FUNCTION_WORDS or first.lower in RELATIVE_PRONOUNS
    adverbial = (
        adverbial or (first.text[0].islower() and first.lower in SPEECH_VERB_FORMS) or first.lower.endswith("ed")
    )
    inner_np = np_left(tokens, d - 1, p + 1)
    if adverbial and first.lower not in DETERMINERS:
        if outer and tokens[outer[0]].lower not in RELATIVE_PRONOUNS:
            return Source(outer[0], outer[1], "skipped")  # "X, in a statement on Sunday, slammed"
        return None
    inner_is_name = (
        inner_np is not None and inner_np[0] == p + 1 and all(_in_name(tokens, i, p + 1, d) for i in range(p + 1, d))
    )
    if outer is None or tokens[outer[0]].lower in RELATIVE_PRONOUNS:
        if inner_np is not None and inner_np[0] == p + 1:
            return Source(inner_np[0], inner_np[1], "appositive")
        return None
    context = (outer[0], d)
    embedded = outer[0] - 1 > lo and tokens[outer[0] - 1].lower == "of"
    if embedded or outer[0] > lo and tokens[outer[0]].lower in PARTITIVE_HEADS and tokens[outer[0] + 1].lower == "of":
        top = clause_subject(tokens, outer, lo)
        if top[0] < outer[0]:  # "A lawyer for one of the exporters, Ningbo Feiyue, said": the lawyer speaks
            return Source(top[0], top[1], "appositive", (top[0], d))
    if inner_is_name and not all(is_name_token(t) for t in tokens[outer[0] : outer[1]] if t.lower not in DETERMINERS):
        return Source(inner_np[0], inner_np[1], "appositive", context)
    return Source(outer[0], outer[1], "appositive", context)


def _antecedent(tokens: list[Token], rel: int, lo: int, quoted: list[bool]) -> Source | None:
    """The noun phrase a "who"/"which" refers to: "Kim Yo Jong, the sister of ..., who accused"."""
    j = rel - 1
    if j < lo:
        return None
    if tokens[j].text in CLAUSE_DELIMITERS:
        return before_delimiter(tokens, j, lo, quoted) or _np_source(np_left(tokens, j - 1, lo), "relative")
    return _np_source(np_left(tokens, j, lo), "relative")


def _np_source(np: tuple[int, int] | None, how: str) -> Source | None:
    return Source(np[0], np[1], how) if np else None


def main_subject(tokens: list[Token], lo: int, hi: int, text: str) -> Source | None:
    """The subject of a sentence's main clause, for a participle cue ("..., saying")."""
    i = lo
    dateline = DATELINE_RE.match(text, tokens[lo].start) if lo < hi else None
    if dateline:
        while i < hi and tokens[i].start < dateline.end():
            i += 1
    steps = 0
    while i < hi and steps < MAX_INTRO_TOKENS:
        low = tokens[i].lower
        if low in INTRO_CONNECTIVES or tokens[i].text == ",":
            i += 1
        elif low in GERUND_PREPOSITIONS or low in SUBORDINATORS or low in ("in", "on", "at", "reacting", "responding"):
            while i < hi and tokens[i].text != ",":
                i += 1
            i += 1
        else:
            break
        steps += 1
    return _np_source(np_right(tokens, i, hi), "main-subject")


def source_for_cue(
    kind: str, lemma: str, k: int, tokens: list[Token], lo: int, hi: int, quoted: list[bool], text: str
) -> Source | None:
    """The source governing cue ``kind`` at token ``k`` (see quotes.find_cues)."""
    if kind == "according":
        return _np_source(np_right(tokens, k + 2, hi), "according")
    if kind == "noun":
        prev = tokens[k - 1] if k > lo else None
        if prev is not None and prev.is_possessive:
            return _np_source(np_left(tokens, k - 1, lo), "possessor")
        if k + 1 < hi and tokens[k + 1].lower in ("from", "by"):
            return _np_source(np_right(tokens, k + 2, hi), "agent")
        return _np_source(np_left(tokens, k - 1, lo), "possessor")  # "The US assessment is that"
    if kind == "passive":
        nxt = [t.lower for t in tokens[k + 1 : k + 3]]
        if lemma == "quote" and nxt[:1] == ["as"]:
            subj = subject_of(tokens, _aux_start(tokens, k, lo), lo, hi, quoted)
            return Source(subj.start, subj.end, "quoted-as") if subj else None
        for off, word in enumerate(nxt):
            if word == "by":
                return _np_source(np_right(tokens, k + 2 + off, hi), "agent")
        aux = _aux_start(tokens, k, lo)
        if aux - 1 >= lo and tokens[aux - 1].lower in IMPERSONAL_SUBJECTS and nxt[:1] == ["that"]:
            return Source(aux - 1, aux - 1, "impersonal")
        return None
    if kind == "participle":
        return main_subject(tokens, lo, hi, text)
    if lemma == "quote":
        obj = np_right(tokens, k + 1, hi)
        if (
            obj
            and obj[1] + 1 < hi
            and tokens[obj[1]].lower in AS_SAYING
            and tokens[obj[1] + 1].lower in SPEECH_VERB_FORMS
        ):
            return Source(obj[0], obj[1], "quoted-as")
    subj = subject_of(tokens, k, lo, hi, quoted)
    role = SPEECH_VERB_FORMS.get(tokens[k].lower, ("", ""))[1]
    bare = subj is not None and subj.how == "subject" and role == "base" and skip_left(tokens, k, lo) == k - 1
    if bare and not _is_plural_or_pronoun(tokens, (subj.start, subj.end)):
        return None  # "a Japanese media report that": a noun, not a verb
    if subj and lemma in NOUN_LIKE_VERBS and role in ("base", "s"):
        head = tokens[subj.end - 1]
        if not (is_head(head) or head.lower in PRONOUN_TYPES):
            return None  # "referring questions to the Pentagon"
        before = tokens[subj.start - 1] if subj.start > lo else None
        if before is not None and before.text[0].islower() and _governs_object(before):
            return None  # "studying the U.S. charges", "called the U.S. remarks": a noun, not a verb
    return subj


def _governs_object(tok: Token) -> bool:
    """A verb or preposition whose object the following noun phrase is."""
    low = tok.lower
    return low in SPEECH_VERB_FORMS or low.endswith(PARTICIPLE_ENDINGS) or low in OBJECT_PREPOSITIONS


def _aux_start(tokens: list[Token], k: int, lo: int) -> int:
    j = k
    while j - 1 >= lo and (tokens[j - 1].lower in PASSIVE_AUXILIARIES or tokens[j - 1].lower in SKIP_BEFORE_VERB):
        j -= 1
    return j


def is_carrier(tokens: list[Token], src: Source) -> bool:
    """A news agency or "media reports": it carries a statement rather than makes it."""
    words = [t.base for t in tokens[src.start : src.end]]
    phrase = " ".join(words)
    return any(w in CARRIER_WORDS for w in words) or any(p in phrase for p in CARRIER_PHRASES)


def is_subordinate(tokens: list[Token], src: Source, lo: int) -> bool:
    """ "after the White House said ..." — a cue inside a subordinate clause."""
    j = src.start - 1
    return j >= lo and tokens[j].lower in SUBORDINATORS


# --------------------------------------------------------------------------- entities and resolution


@dataclass
class Entity:
    """A named source or name seen so far: a candidate antecedent."""

    span: Span
    kind: str  # "person", "org", "plural" or "unknown"
    words: frozenset[str]
    caps: tuple[str, ...]
    speaker: bool
    descriptors: frozenset[str] = field(default_factory=frozenset)
    at: int = -1  # where it was last mentioned; recency decides between candidates
    geo: bool = False  # a country or city standing for its government
    weak: bool = False  # "person" only because the name has two capitalised words ("Aegean Meridian")
    head: str | None = None  # its organisation noun, if any: "ministry", "court", "bank"
    named: bool = False  # its phrase ends in a name ("Taras Voloshyn"), not a noun ("a Halder spokeswoman")
    nouns: frozenset[str] = frozenset()  # the common nouns it was described with ("maker", "attache")

    def __post_init__(self) -> None:
        if self.at < 0:
            self.at = self.span.start


def _trim_name(tokens: list[Token]) -> list[Token]:
    """The phrase up to a post-modifier: "a spokesperson at the ministry" -> "a spokesperson"."""
    for i in range(1, len(tokens) - 1):
        if (
            tokens[i].lower in NP_PREPOSITIONS
            and is_head(tokens[i - 1])
            or tokens[i].text == ","
            or tokens[i].lower in RELATIVE_STARTS
        ):
            return tokens[:i]  # "a spokesperson at the ministry" is a person; "John Kirby, the ..." too
    return tokens


def descriptor_nouns(tokens: list[Token]) -> frozenset[str]:
    """The common nouns a source is described with: "Lanmei Networks, a Chinese *maker* of ...",
    "the *drugmaker* Brennard", "A European defence *attache* at the show"."""
    nouns = set()
    part: list[Token] = []
    for t in [*tokens, Token(",", 0, 0)]:
        if t.text not in (",", "(", ")", "–", "—"):
            part.append(t)
            continue
        trimmed = _trim_name(part) if part else []
        if trimmed and trimmed[-1].is_word and trimmed[-1].text[0].islower():
            nouns.add(trimmed[-1].base)
        for a, b in zip(trimmed, trimmed[1:], strict=False):
            if a.is_word and a.text[0].islower() and a.base not in FUNCTION_WORDS and is_name_token(b):
                nouns.add(a.base)  # "the drugmaker Brennard", "Cruise line Aurora Pacific"
        part = []
    return frozenset(nouns)


def entity_type(tokens: list[Token]) -> str:
    """Person, organisation (or country acting as one), plural group, or unknown."""
    if not tokens:
        return "unknown"
    tokens = _trim_name(tokens)
    head = tokens[-1]
    base = head.base
    if base in PRONOUN_TYPES:
        return PRONOUN_TYPES[base]
    if base in PLURAL_PERSON_NOUNS:
        return "plural"
    if head.text[0].islower():
        # a description: its head noun decides ("The journal's editor" is a person)
        if base in PERSON_NOUNS and base not in ORG_NOUNS or base in ANAPHOR_PERSON_NOUNS:
            return "person"
        if base in ORG_NOUNS or base in DOCUMENT_NOUNS or base in ANAPHOR_ORG_NOUNS or base in ORG_HEAD_WORDS:
            return "org"
        if base.endswith(PERSON_SUFFIXES):
            return "person"
        if base.endswith(PLURAL_PERSON_SUFFIXES):
            return "plural"
        return "unknown"
    words = {t.base for t in tokens}
    caps = {t.base for t in tokens if t.text[0].isupper()}
    common = words - caps - FUNCTION_WORDS
    if base in ORG_NAME_WORDS:
        return "org"  # "the Information Commissioner's Office"
    if words & (PERSON_NOUNS | ANAPHOR_PERSON_NOUNS) or tokens[0].base.rstrip(".") in HONORIFICS:
        return "person"  # "Foreign Minister Sergei Lavrov", "ministry spokesman Shu Ping", "Dr. Tesfay"
    if common & ORG_DESCRIPTOR_NOUNS or caps & (ORG_NAME_WORDS | GEO_WORDS | CARRIER_WORDS):
        return "org"  # "the pro-government daily Yeni Sabah", "Industry group USTelecom"
    names = [t for t in tokens if is_name_token(t)]
    return "person" if len(names) >= 2 else "unknown"


def make_entity(
    tokens: list[Token], speaker: bool, extra: list[Token] | None = None, span: Span | None = None
) -> Entity:
    """An entity for the name ``tokens`` (``extra``: the rest of its phrase, for typing)."""
    span = span or Span(tokens[0].start, tokens[-1].end)
    kind = entity_type(tokens)
    desc = frozenset(t.base for t in (extra or []) if t.is_word)
    weak = kind == "person" and not _strong_person(tokens)
    if (kind == "unknown" or weak) and extra:
        extra_kind = _descriptor_kind(extra)
        if extra_kind is not None:
            kind, weak = extra_kind, False  # "Lanmei Networks, a Chinese maker of ..." / "Simon Aldridge, the chief"
    caps = tuple(t.base for t in tokens if t.is_word and t.text[0].isupper() and t.base not in FUNCTION_WORDS)
    geo = bool(caps) and all(c in GEO_WORDS for c in caps) and not desc & (ORG_NOUNS | PERSON_NOUNS)
    head = _typed_head(tokens) or (_typed_head(extra) if extra else None)
    words = frozenset(t.base for t in tokens if t.is_word) | desc
    trimmed = _trim_name(tokens)
    named = bool(trimmed) and is_name_token(trimmed[-1])
    all_names = all(is_name_token(t) for t in tokens if t.is_word)
    nouns = frozenset() if all_names else descriptor_nouns(tokens)
    if extra:
        nouns |= descriptor_nouns(extra)
    return Entity(span, kind, words, caps, speaker, desc, geo=geo, weak=weak, head=head, named=named, nouns=nouns)


def _descriptor_kind(tokens: list[Token]) -> str | None:
    """ "person" or "org" when some comma-separated part of a source phrase says so by its words
    ("the firm's chief executive", "a Chinese maker of ...", ", who runs a farm shop")."""
    part: list[Token] = []
    for t in [*tokens, Token(",", 0, 0)]:
        if t.text != ",":
            part.append(t)
            continue
        if part and part[0].lower in ("who", "whose"):
            return "person"
        if part and part[0].lower in DETERMINERS:
            # a description: its first noun decides ("a lecturer in football finance at the University ...")
            cut = next((i for i, w in enumerate(part) if i and w.lower in DESCRIPTOR_ENDS), len(part))
            kind = entity_type(part[:cut])
            if kind in ("person", "org"):
                return kind
        elif part:
            kind = entity_type(part)
            if kind == "person" and _strong_person(part):
                return "person"
            if kind == "org" and not all(is_name_token(w) for w in part if w.is_word):
                return "org"
        part = []
    return None


def _strong_person(tokens: list[Token]) -> bool:
    """A person by its words (a title, a role, an honorific, ", who"), not only by having two capitalised words."""
    if any(a.text == "," and b.lower in ("who", "whose") for a, b in zip(tokens, tokens[1:], strict=False)):
        return True
    tokens = _trim_name(tokens)
    words = {t.base for t in tokens}
    return bool(words & (PERSON_NOUNS | ANAPHOR_PERSON_NOUNS)) or tokens[0].base.rstrip(".") in HONORIFICS


def _typed_head(tokens: list[Token]) -> str | None:
    tokens = _trim_name(tokens)
    if not tokens:
        return None
    base = tokens[-1].base
    return base if base in ORG_HEAD_WORDS else None


def link_type(entity: Entity, history: list[Entity]) -> Entity:
    """A repeated surname ("Kirby") takes the type of the earlier full name it repeats ("John Kirby"),
    not of a phrase that only uses it as a modifier ("a Halder spokeswoman")."""
    if not entity.caps or not entity.named or (entity.kind != "unknown" and not entity.weak):
        return entity
    caps = set(entity.caps)
    for earlier in reversed(history):
        if earlier.kind == "unknown" or not earlier.named or not caps <= set(earlier.caps):
            continue
        return _typed_like(entity, earlier)
    return entity


def _typed_like(entity: Entity, earlier: Entity) -> Entity:
    """`entity` with the type, descriptors and words of the earlier full name it repeats."""
    return replace(
        entity,
        kind=earlier.kind,
        weak=earlier.weak,
        words=entity.words | earlier.words,
        descriptors=earlier.descriptors,
        head=entity.head or earlier.head,
        nouns=entity.nouns | earlier.nouns,
    )


def anaphor_kind(tokens: list[Token]) -> str | None:
    """What an anaphoric source phrase needs from its antecedent, or None when the
    phrase names a source itself.

    "person"/"org"/"plural" for pronouns and definite descriptions ("he", "the
    spokesperson", "the ministry", "The North's official"); "issuer" for a
    document ("the statement said": whoever spoke last); "possessive-…" for
    "Its spokesman", whose speaker is what "its" refers to.
    """
    if len(tokens) == 1 and tokens[0].lower in PRONOUN_TYPES:
        return PRONOUN_TYPES[tokens[0].lower]
    if len(tokens) < 2:
        return None
    head = tokens[-1]
    if head.text[0].isupper():
        return None  # "The White House", "the Foreign Ministry": a name
    first = tokens[0].lower
    base = head.base
    if first in POSSESSIVE_DETERMINERS and base in SPOKES_NOUNS:
        return "possessive-" + POSSESSIVE_DETERMINERS[first]  # "its spokesman" speaks for "it"; "his lawyer" not
    if first not in DETERMINER_STARTS_ANAPHOR:
        return None
    if base in PERSON_NOUNS and base not in ORG_NOUNS or base in ANAPHOR_PERSON_NOUNS:
        return "person"
    if base in PLURAL_PERSON_NOUNS:
        return "plural"
    if base in UTTERANCE_NOUNS:
        return "issuer"
    if base in ORG_NOUNS or base in ANAPHOR_ORG_NOUNS:
        return "org"
    if len(tokens) == 2 and is_plain_word(head) and base not in DOCUMENT_NOUNS and base not in DATA_NOUNS:
        return "head"  # "the attache": whoever was introduced with that noun
    return None


def _acronym_matches(cap: str, caps: tuple[str, ...]) -> bool:
    letters = cap.replace(".", "")
    if len(letters) < 2 or not letters.isalpha():
        return False
    return letters in "".join(c[0] for c in caps)


def _role_matches(head: str, ent: Entity) -> bool:
    """Does a description's head noun fit the antecedent ("the spokesman" ~ "a spokesperson")?"""
    if head in GENERIC_PERSON_HEADS:
        return bool(ent.words & (PERSON_NOUNS | PLURAL_PERSON_NOUNS)) or ent.kind == "person"
    for group in ROLE_CLASSES:
        if head in group:
            return bool(ent.words & group)
    return head in ent.words


def _modifiers(mention: list[Token]) -> list[str]:
    """Lower-case words between a description's determiner and its head ("the *state health* department",
    "the *company's* lawyers"): an antecedent must contain them all."""
    return [
        t.base
        for t in mention[1:-1]
        if t.is_word
        and t.text[0].islower()
        and t.base not in DETERMINERS
        and t.base not in FUNCTION_WORDS
        and t.base not in NON_RESTRICTIVE_MODIFIERS
    ]


def _org_heads_agree(head: str, ent: Entity) -> bool:
    """ "the bank" may be an earlier "... Group" but not an earlier "Justice Department"."""
    if ent.head is None or head not in ORG_HEAD_WORDS or head == ent.head:
        return True
    return any(head in group and ent.head in group for group in ORG_HEAD_CLASSES)


def _compatible(ent: Entity, kind: str, mention: list[Token], caps: list[str]) -> bool:
    head = mention[-1].base
    pronoun = len(mention) == 1
    if kind == "issuer":  # "the editorial" is a paper's, not the analyst it quoted
        return ent.speaker and not (head in OUTLET_UTTERANCES and ent.kind in ("person", "plural") and not ent.weak)
    if kind == "head":
        return head in ent.nouns
    introduced = not pronoun and head in ent.nouns  # "the drugmaker Brennard" ... "the drugmaker"
    if kind == "person":
        if ent.kind == "unknown":
            if not (ent.speaker and ent.caps):
                return False
        elif ent.kind != "person" and not introduced:
            return False
    elif kind == "org":
        # "The company" may mean an earlier speaker known only by name ("Brennard", "Aegean Meridian")
        named = not pronoun and ent.speaker and bool(ent.caps) and (ent.kind == "unknown" or ent.weak)
        if not (ent.kind == "org" or named or introduced):
            return False
        if not pronoun and ent.geo and head not in GEO_HEADS:
            return False
        if not pronoun and not _org_heads_agree(head, ent):
            return False
    elif kind == "plural" and ent.kind not in ("plural", "org"):
        return False
    if pronoun:
        return True
    if caps and not any(c in ent.words or _acronym_matches(c, ent.caps) for c in caps):
        return False
    if not all(m in ent.words for m in _modifiers(mention)):
        return False  # "the defence ministry" is not an earlier "Kremlin"; "the foreign ministry" may be
    if kind == "person":
        return _role_matches(head, ent)
    if kind == "org" and caps:
        return head in ent.words
    return True


def resolve(
    mention: list[Token], kind: str, history: list[Entity], before: int, exclude: Span | None, sentence_start: int = 0
) -> Entity | None:
    """The nearest earlier entity compatible with an anaphoric mention.

    Names earlier in the same sentence come first ("The White House showed
    what it said were ..."), then earlier speakers (a reporter's "he said"
    almost always continues the last source), then other names. A description must agree with
    its antecedent: capitalised modifiers ("North's", "U.N.") occur in it
    (acronyms match initials), a role noun fits ("the spokesman" ~ "a
    spokesperson"), an organisation's head noun appears in it when the
    description names a country ("the North's foreign ministry" is not North
    Korea).
    """
    if kind.startswith("possessive-"):
        owner = [Token(mention[0].text, mention[0].start, mention[0].end)]
        return resolve(owner, kind.split("-", 1)[1], history, before, exclude, sentence_start)
    caps = _capitalised_bases(mention)
    for rank in ("same-sentence", "speaker", "name"):
        found = _latest_compatible(history, rank, kind, mention, caps, before, exclude, sentence_start)
        if found is not None:
            return found
    return None


def _capitalised_bases(mention: list[Token]) -> list[str]:
    return [t.base for t in mention if t.text[0].isupper() and t.base not in FUNCTION_WORDS and t.base not in DETERMINERS]


def _latest_compatible(
    ents: list[Entity], rank: str, kind: str, mention: list[Token], caps: list[str], before: int, exclude: Span | None, sentence_start: int
) -> Entity | None:
    """The latest entity of `ents` that this rank admits and the mention can refer to."""
    for ent in reversed(ents):
        if ent.at >= before or (rank == "same-sentence" and ent.at < sentence_start):
            continue
        if rank != "same-sentence" and ent.speaker != (rank == "speaker"):
            continue
        if exclude is not None and exclude.contains(ent.span):
            continue
        if not ent.speaker and ent.kind == "unknown":
            continue
        if _compatible(ent, kind, mention, caps):
            return ent
    return None


def short_form_of(mention: list[Token], history: list[Entity], before: int) -> Entity | None:
    """The earlier source a definite short name repeats: "the Foreign Office" after "Britain's Foreign
    Office", "The KGB" after "The Belarusian KGB". A bare repeated surname ("Kirby") and an acronym
    ("The IOC" after "The International Olympic Committee") name the source themselves."""
    caps = _short_form_caps(mention)
    return _latest_short_form(history, caps, before) if caps else None


def _short_form_caps(mention: list[Token]) -> set[str] | None:
    """The name words of a determiner-led short name ("the Foreign Office"), or None if it is not one."""
    if len(mention) < 2 or mention[0].lower not in DETERMINER_STARTS_ANAPHOR:
        return None
    rest = mention[1:]
    if not all(is_name_token(t) or t.lower in NP_PREPOSITIONS for t in rest):
        return None
    return {t.base for t in rest if is_name_token(t)} or None


def _latest_short_form(ents: list[Entity], caps: set[str], before: int) -> Entity | None:
    """The latest earlier speaker of `ents` whose name holds every word of `caps` and more."""
    for ent in reversed(ents):
        if ent.at >= before or not ent.speaker or ent.span.end > before:
            continue
        if caps < set(ent.caps):
            return ent
    return None


def name_runs(tokens: list[Token], lo: int, hi: int, skip: list[bool]) -> list[tuple[int, int]]:
    """Runs of capitalised name tokens outside ``skip``: names a later pronoun may mean."""
    runs: list[tuple[int, int]] = []
    i = lo
    while i < hi:
        if not skip[i] and is_name_token(tokens[i]):
            j = i + 1
            while (
                j < hi
                and not skip[j]
                and (
                    is_name_token(tokens[j])
                    or (tokens[j].lower in NP_PREPOSITIONS and j + 1 < hi and is_name_token(tokens[j + 1]))
                )
            ):
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def possessor_span(tokens: list[Token], np: tuple[int, int]) -> tuple[int, int, bool]:
    """For "The U.N. envoy’s statement" return the possessor's tokens (and True);
    otherwise the phrase itself (and False)."""
    i, j = np
    head = tokens[j - 1]
    if head.base in DOCUMENT_NOUNS or head.base in SPEECH_NOUNS:
        for p in range(j - 2, i - 1, -1):
            if tokens[p].is_possessive:
                return i, p + 1, True
    return i, j, False


# --------------------------------------------------------------------------- the entities seen so far

# Initials of up to this many letters are indexed whole; a longer acronym is looked up by its start.
INDEXED_INITIALS = 6
# Up to this many entities a plain scan is quicker than the indexes (and gives the same answer).
PLAIN_SCAN_ENTITIES = 100


def _initials_parts(ent: Entity) -> set[tuple[bool, str]]:
    initials = "".join(c[0] for c in ent.caps)
    return {
        (ent.speaker, initials[a : a + n])
        for n in range(2, INDEXED_INITIALS + 1)
        for a in range(len(initials) - n + 1)
    }


# The keys under which History indexes an entity (``speaker`` first: each rank asks about its own).
_INDEX_KEYS: dict[str, Callable[[Entity], Iterable[object]]] = {
    "word": lambda e: [(e.speaker, w) for w in e.words],
    "noun": lambda e: [(e.speaker, w) for w in e.nouns],
    "cap": lambda e: [(flag, c) for c in set(e.caps) for flag in (e.speaker, None)],  # None: either
    "initials": _initials_parts,
    "span": lambda e: [e.span],
}


@dataclass
class _Memo:
    """What one question to the history (one anaphor, one name) found the last time it was asked:
    ``best`` is the last index below ``upto`` that answered it (-1: none), as of change ``seen``."""

    upto: int = 0
    best: int = -1
    seen: int = 0


class History:
    """The entities of the sentences read so far, in order, indexed by word, noun, capitalised word,
    initials and span, so that finding an antecedent costs about the same on the last page of a long
    text as on the first.

    ``resolve``, ``short_form_of`` and ``link_type`` give exactly what the functions of the same name
    give for ``entities + names`` (``names``: the current sentence's), scanning the current sentence
    as they do and asking the indexes about the earlier ones. Each question also remembers what it
    found: asked again, it only reads the entities added since, and those whose kind changed.
    """

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self._max_at = -1
        self._max_start = -1
        self._max_end = -1
        self._all: dict[bool, list[int]] = {True: [], False: []}  # by ent.speaker
        # key -> ascending entity indices; each index is brought up to date when first needed
        self._indexes: dict[str, dict[object, list[int]]] = {name: {} for name in _INDEX_KEYS}
        self._indexed: dict[str, int] = dict.fromkeys(_INDEX_KEYS, 0)
        self._changed: list[int] = []  # entities whose kind or weakness changed after they were added
        self._memos: dict[tuple[object, ...], _Memo] = {}

    def append(self, ent: Entity) -> None:
        i = len(self.entities)
        self.entities.append(ent)
        self._max_at = max(self._max_at, ent.at)
        self._max_start = max(self._max_start, ent.span.start)
        self._max_end = max(self._max_end, ent.span.end)
        self._all[ent.speaker].append(i)

    def _index(self, name: str) -> dict[object, list[int]]:
        """The index ``name`` (see _INDEX_KEYS), up to date."""
        index = self._indexes[name]
        keys = _INDEX_KEYS[name]
        for i in range(self._indexed[name], len(self.entities)):
            for key in keys(self.entities[i]):
                index.setdefault(key, []).append(i)
        self._indexed[name] = len(self.entities)
        return index

    def retype(self, span: Span, kind: str, names: list[Entity]) -> None:
        """ "Marcy Hollins ... she said": every entity with this span is a ``kind`` from now on."""
        for i in self._index("span").get(span, ()):
            ent = self.entities[i]
            if (ent.kind, ent.weak) != (kind, False):
                ent.kind, ent.weak = kind, False
                self._changed.append(i)
        for ent in names:
            if ent.span == span:
                ent.kind, ent.weak = kind, False

    def _precede(self, before: int, sentence_start: int, exclude: Span | None) -> bool:
        """True when every entity so far lies before the current mention and outside ``exclude``
        (always, as the text is read in order); the indexes rely on it."""
        return self._max_at < min(before, sentence_start) and (exclude is None or self._max_start < exclude.start)

    # ------------------------------------------------------------------ the three questions

    def resolve(
        self,
        mention: list[Token],
        kind: str,
        names: list[Entity],
        before: int,
        exclude: Span | None,
        sentence_start: int = 0,
    ) -> Entity | None:
        """``resolve(mention, kind, entities + names, before, exclude, sentence_start)``."""
        if len(self.entities) <= PLAIN_SCAN_ENTITIES or not self._precede(before, sentence_start, exclude):
            return resolve(mention, kind, self.entities + names, before, exclude, sentence_start)
        if kind.startswith("possessive-"):
            owner = [Token(mention[0].text, mention[0].start, mention[0].end)]
            return self.resolve(owner, kind.split("-", 1)[1], names, before, exclude, sentence_start)
        caps = _capitalised_bases(mention)
        for rank in ("same-sentence", "speaker", "name"):
            found = _latest_compatible(names, rank, kind, mention, caps, before, exclude, sentence_start)
            if found is not None:
                return found
            if rank != "same-sentence":  # no earlier sentence reaches the same-sentence rank
                found = self._antecedent(rank == "speaker", kind, mention, caps)
                if found is not None:
                    return found
        return None

    def short_form_of(self, mention: list[Token], names: list[Entity], before: int) -> Entity | None:
        """``short_form_of(mention, entities + names, before)``."""
        if len(self.entities) <= PLAIN_SCAN_ENTITIES or not (self._max_at < before and self._max_end <= before):
            return short_form_of(mention, self.entities + names, before)
        caps = _short_form_caps(mention)
        if not caps:
            return None
        found = _latest_short_form(names, caps, before)
        if found is not None:
            return found
        by_cap = self._index("cap")
        lists = [min((by_cap.get((True, c), []) for c in caps), key=len)]
        key = ("short-form", frozenset(caps))
        i = self._nearest(key, lists, lambda e: e.speaker and caps < set(e.caps))
        return self.entities[i] if i >= 0 else None

    def link_type(self, entity: Entity) -> Entity:
        """``link_type(entity, entities)``."""
        if len(self.entities) <= PLAIN_SCAN_ENTITIES:
            return link_type(entity, self.entities)
        if not entity.caps or not entity.named or (entity.kind != "unknown" and not entity.weak):
            return entity
        caps = set(entity.caps)
        by_cap = self._index("cap")
        lists = [min((by_cap.get((None, c), []) for c in caps), key=len)]
        key = ("link", frozenset(caps))
        i = self._nearest(key, lists, lambda e: e.kind != "unknown" and e.named and caps <= set(e.caps))
        if i < 0:
            return entity
        return _typed_like(entity, self.entities[i])

    # ------------------------------------------------------------------ machinery

    def _antecedent(self, speaker: bool, kind: str, mention: list[Token], caps: list[str]) -> Entity | None:
        """The last earlier entity of the rank (speakers or other names) compatible with the mention."""
        head = mention[-1].base
        pronoun = len(mention) == 1
        modifiers = _modifiers(mention)
        key = ("resolve", speaker, kind, head, pronoun, tuple(caps), tuple(modifiers))
        lists = self._candidates(speaker, kind, head, pronoun, caps, modifiers)

        def passes(ent: Entity) -> bool:
            if ent.speaker != speaker or (not ent.speaker and ent.kind == "unknown"):
                return False
            return _compatible(ent, kind, mention, caps)

        i = self._nearest(key, lists, passes)
        return self.entities[i] if i >= 0 else None

    def _candidates(
        self, flag: bool, kind: str, head: str, pronoun: bool, caps: list[str], modifiers: list[str]
    ) -> list[list[int]]:
        """Index lists whose union holds every entity _compatible can accept (it checks the rest)."""
        everyone = [self._all[flag]]
        if kind == "head":
            return [self._index("noun").get((flag, head), [])]
        if pronoun or kind == "issuer":
            return everyone
        words = self._index("word")
        options = [[words.get((flag, m), [])] for m in modifiers]  # every modifier is among its words
        if caps:  # one capitalised word is among its words or spells part of its initials
            union = []
            for c in caps:
                union.append(words.get((flag, c), []))
                letters = c.replace(".", "")
                if len(letters) >= ACRONYM_MIN_LETTERS and letters.isalpha():
                    union.append(self._index("initials").get((flag, letters[:INDEXED_INITIALS]), []))
            options.append(union)
            if kind == "org":
                options.append([words.get((flag, head), [])])  # "the X ministry": the head is among its words
        if kind == "person" and head not in GENERIC_PERSON_HEADS:
            group = next((g for g in ROLE_CLASSES if head in g), None)
            options.append([words.get((flag, w), []) for w in group] if group else [words.get((flag, head), [])])
        if not options:
            return everyone
        return min(options, key=lambda lists: sum(len(x) for x in lists))

    def _nearest(self, key: tuple[object, ...], lists: list[list[int]], passes: Callable[[Entity], bool]) -> int:
        """Index of the last entity that ``passes``, given index lists (ascending) whose union holds
        every entity that can pass. Whether an entity passes may change only when its kind does."""
        memo = self._memos.get(key)
        if memo is None:
            memo = self._memos[key] = _Memo()
        entities = self.entities
        best = memo.best
        changed = self._changed[memo.seen :]
        if changed:
            if best >= 0 and best in changed and not passes(entities[best]):
                best = self._last(lists, 0, best, passes)
            for i in changed:
                if best < i < memo.upto and passes(entities[i]):
                    best = i
        newer = self._last(lists, memo.upto, len(entities), passes)
        memo.best = newer if newer >= 0 else best
        memo.upto, memo.seen = len(entities), len(self._changed)
        return memo.best

    def _last(self, lists: list[list[int]], lo: int, hi: int, passes: Callable[[Entity], bool]) -> int:
        """The largest index in [lo, hi) of any of ``lists`` whose entity passes, or -1."""
        runs = [_downwards(indices, lo, hi) for indices in lists]
        last = -1
        for i in runs[0] if len(runs) == 1 else heapq.merge(*runs, reverse=True):
            if i != last and passes(self.entities[i]):
                return i
            last = i
        return -1


def _downwards(indices: list[int], lo: int, hi: int) -> Iterator[int]:
    """The entries of the ascending list ``indices`` within [lo, hi), largest first."""
    a, b = bisect_left(indices, lo), bisect_left(indices, hi)
    for i in range(b - 1, a - 1, -1):
        yield indices[i]
