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
source, so the speaker span always points at a name.
"""

from __future__ import annotations

import re
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
# "the official" can mean any earlier person described by a role.
GENERIC_PERSON_HEADS = frozenset({"official", "officer"})
# Organisation words that may stand for a country ("the government" after "North Korea").
GEO_HEADS = frozenset({
    "government", "country", "state", "nation", "administration", "authorities", "regime", "leadership",
})
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
    "nuclear", "environment", "environmental", "agriculture", "transport", "education", "labour", "labor",
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
MAX_INVERTED_TAIL_TOKENS = 3
# What may follow an inverted subject: ", said Vera Lukina, a member of ..." / "said Kirby on Thursday".
INVERTED_TAIL_STARTS = frozenset(
    {",", ".", ";", ":", "!", "?", "(", "–", "—", "on", "in", "at", "during", "when", "after", "told"}
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
QUOTE_MARKS = frozenset("\"'“”‘’«»‹›„‚「」『』")
# fmt: on


def is_name_token(tok: Token) -> bool:
    """A capitalised word that is not a capitalised function word or a date word."""
    return tok.text[0].isupper() and tok.base not in FUNCTION_WORDS and tok.base not in TIME_WORDS


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
    return base in PERSON_NOUNS or base in PLURAL_PERSON_NOUNS or base in ORG_NOUNS or base in DOCUMENT_NOUNS


def is_modifier(tok: Token) -> bool:
    if not tok.is_word or tok.text[0].isupper():
        return False
    base = tok.base
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
        or (low.endswith("ly") and len(low) > 3)
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
    if tok.lower in PRONOUN_TYPES or tok.lower in RELATIVE_PRONOUNS:
        return last, last + 1
    strong = is_head(tok)
    if not strong and not is_plain_word(tok):
        return None
    i = last
    while i - 1 >= lo:
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
            or any(is_name_token(t) or t.is_possessive for t in tokens[i:last])
            or i == lo
            or tokens[i - 1].text in CLAUSE_DELIMITERS
            or tokens[i - 1].text in QUOTE_MARKS
            or tokens[i - 1].text == ":"
        )
        if not anchored:
            return None
    return i, last + 1


def np_right(tokens: list[Token], first: int, hi: int) -> tuple[int, int] | None:
    """The source-like noun phrase starting at token ``first``, as [i, j)."""
    if first >= hi:
        return None
    tok = tokens[first]
    if tok.lower in PRONOUN_TYPES:
        return first, first + 1
    start_det = tok.lower in DETERMINERS
    j = first + 1 if start_det else first
    end = None
    strong = False
    while j < hi:
        cur = tokens[j]
        if is_head(cur) or cur.is_possessive or _in_name(tokens, j, first, hi):
            j += 1
            end = j
            strong = True
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
    while j >= lo:
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
    tail = tokens[np[1] : hi]
    if not tail or tail[0].text in INVERTED_TAIL_STARTS or tail[0].lower in INVERTED_TAIL_STARTS:
        return Source(np[0], np[1], "inverted")
    if len(tail) <= MAX_INVERTED_TAIL_TOKENS and not any(t.lower in SPEECH_VERB_FORMS for t in tail):
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
    return subj


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

    def __post_init__(self) -> None:
        if self.at < 0:
            self.at = self.span.start


def entity_type(tokens: list[Token]) -> str:
    """Person, organisation (or country acting as one), plural group, or unknown."""
    if not tokens:
        return "unknown"
    for i in range(1, len(tokens) - 1):
        if tokens[i].lower in NP_PREPOSITIONS and is_head(tokens[i - 1]) or (tokens[i].text == "," and i > 0):
            tokens = tokens[:i]  # "a spokesperson at the ministry" is a person; "John Kirby, the ..." too
            break
    head = tokens[-1]
    base = head.base
    if base in PRONOUN_TYPES:
        return PRONOUN_TYPES[base]
    if base in PLURAL_PERSON_NOUNS:
        return "plural"
    words = {t.base for t in tokens}
    if base in PERSON_NOUNS or (is_name_token(head) and words & PERSON_NOUNS):
        return "person"
    if base in ORG_NOUNS or base in DOCUMENT_NOUNS or words & (ORG_NAME_WORDS | GEO_WORDS | CARRIER_WORDS):
        return "org"
    if head.text[0].islower():
        if base.endswith(PERSON_SUFFIXES):
            return "person"
        if base.endswith(PLURAL_PERSON_SUFFIXES):
            return "plural"
        return "unknown"
    names = [t for t in tokens if is_name_token(t)]
    return "person" if len(names) >= 2 else "unknown"


def make_entity(
    tokens: list[Token], speaker: bool, extra: list[Token] | None = None, span: Span | None = None
) -> Entity:
    """An entity for the name ``tokens`` (``extra``: the rest of its phrase, for typing)."""
    span = span or Span(tokens[0].start, tokens[-1].end)
    kind = entity_type(tokens)
    desc = frozenset(t.base for t in (extra or []) if t.is_word)
    if kind == "unknown" and extra:
        kind = entity_type(extra) if entity_type(extra) in ("person", "org") else kind
    caps = tuple(t.base for t in tokens if t.is_word and t.text[0].isupper() and t.base not in FUNCTION_WORDS)
    geo = bool(caps) and all(c in GEO_WORDS for c in caps) and not desc & (ORG_NOUNS | PERSON_NOUNS)
    return Entity(span, kind, frozenset(t.base for t in tokens if t.is_word) | desc, caps, speaker, desc, geo=geo)


def link_type(entity: Entity, history: list[Entity]) -> Entity:
    """A bare surname ("Kirby") takes the type of the earlier full name it repeats."""
    if entity.kind != "unknown":
        return entity
    for earlier in reversed(history):
        if earlier.kind != "unknown" and entity.caps and set(entity.caps) <= earlier.words:
            return replace(
                entity, kind=earlier.kind, words=entity.words | earlier.words, descriptors=earlier.descriptors
            )
    return entity


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
    if first in POSSESSIVE_DETERMINERS and (head.base in PERSON_NOUNS or head.base in PLURAL_PERSON_NOUNS):
        return "possessive-" + POSSESSIVE_DETERMINERS[first]
    if first not in DETERMINER_STARTS_ANAPHOR:
        return None
    if head.base in PERSON_NOUNS:
        return "person"
    if head.base in PLURAL_PERSON_NOUNS:
        return "plural"
    if head.base in UTTERANCE_NOUNS:
        return "issuer"
    if head.base in ORG_NOUNS:
        return "org"
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


def _compatible(ent: Entity, kind: str, mention: list[Token], caps: list[str]) -> bool:
    head = mention[-1].base
    pronoun = len(mention) == 1
    if kind == "issuer":
        return ent.speaker
    if kind == "person":
        if ent.kind == "unknown":
            if not (ent.speaker and ent.caps):
                return False
        elif ent.kind != "person":
            return False
    elif kind == "org":
        # "The company" may mean an earlier speaker known only by name ("Brennard")
        named_unknown = not pronoun and ent.kind == "unknown" and ent.speaker and bool(ent.caps)
        if not (ent.kind == "org" or named_unknown) or (not pronoun and ent.geo and head not in GEO_HEADS):
            return False
    elif kind == "plural" and ent.kind not in ("plural", "org"):
        return False
    if pronoun:
        return True
    if caps and not any(c in ent.words or _acronym_matches(c, ent.caps) for c in caps):
        return False
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
    caps = [
        t.base for t in mention if t.text[0].isupper() and t.base not in FUNCTION_WORDS and t.base not in DETERMINERS
    ]
    for rank in ("same-sentence", "speaker", "name"):
        for ent in reversed(history):
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
