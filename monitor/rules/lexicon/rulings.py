"""Court decisions in the news: who decides (judge, court, jury), the verbs that report a decision,
the words that turn a sentence into a preview, request or hypothetical, and the cues of each
ruling kind. Folded words; party and judge names come from the rule files."""

from __future__ import annotations

import re

from monitor.parse.textnorm import CJK_RE
from monitor.rules.lexicon import alternation, compile_words

# fmt: off
JURY_ACTORS = [
    "jury", "jurors", "jurys", "jures", "geschworenen", "geschworene", "jurado", "giuria", "juri",
    "陪審團", "陪审团", "陪審員", "陪审员", "陪審団", "陪審",
]
APPEAL_ACTORS = [
    "appeals court", "court of appeals", "appellate court", "appellate panel", "ninth circuit",
    "9th circuit", "cour d'appel", "berufungsgericht", "tribunal de apelaciones",
    "corte d'appello", "corte de apelacao", "上诉法院", "上訴法院", "高等裁判所", "高裁",
]
COURT_ACTORS = [
    "judge", "judges", "justice", "magistrate", "court", "courts", "panel", "tribunal",
    "juge", "juges", "magistrat", "cour", "la justice",
    "richter", "richterin", "*richter", "*richterin", "gericht", "*gericht", "kammer",
    "juez", "jueza", "jueces", "corte", "la justicia", "giudice", "giudici", "tribunale",
    "juiz", "juiza", "a justica",
    "法官", "法院", "法庭", "判事", "裁判所", "裁判官", "地裁", "地方法院",
    "판사", "법원", "tham phan", "toa an",
]
# "court" as a modifier is no actor: "court filing", "jury trial", "court order".
_NOT_ACTOR_AFTER = (
    r"(?![\s-]+(?:filings?|documents?|papers|records?|dates?|orders?|case|battle|fight|room|"
    r"hearing|appearance|fees|costs|trial|selection|deliberations?|instructions?|pool|"
    r"proceedings?|sessions?|verfahren|dokumente?|prozess)(?![a-z]))"
)


def _actor_re(words: list[str]) -> str:
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        if CJK_RE.search(w):
            # 陪審員裁判 is a jury trial, not the jury deciding.
            parts.append(
                re.escape(w) + r"(?!裁判|審理|审理|制|による|[團团員员団]|の判断に委ね|に委ね)"
            )
        elif w.startswith("*"):
            parts.append(r"[a-z]+" + re.escape(w[1:]) + r"(?![a-z0-9])")
        else:
            parts.append(alternation([w]))
    return "(?:" + "|".join(parts) + ")" + _NOT_ACTOR_AFTER


JURY_RE = re.compile(_actor_re(JURY_ACTORS))
# "a jury will decide", "jurors to decide": a jury yet to decide is no actor of a decision.
JURY_NOT_YET = re.compile(
    r"^\s+(?:will|would|could|should|may|might|must|is to|are to|to|wird|werden|va|vont|"
    r"decidira|decidera|decidiran|decideranno)(?![a-z])"
)
# "go to a jury", "vor eine Jury": the jury is the object, not who decided.
JURY_AS_OBJECT = re.compile(
    r"(?:^|\s)(?:(?:to|before|by|for|with|vor|devant|ante|davanti a|perante|avoid|avoiding|"
    r"face|facing|bypass|skip|skipping|evitar|eviter|vermeiden|evitare)\s+"
    r"(?:a|the|an|eine|die|der|un|una|le|la|el|il|um|o)?|a\s+(?:un|una|le|la|il|um|o))\s*$"
)
APPEAL_RE = re.compile(alternation(APPEAL_ACTORS))
# "according to a court order issued Tuesday": the order speaks for the court.
ORDER_CITED_RE = re.compile(
    r"\b(?:according to|per|under|selon|segun|laut|secondo|segundo)\s+(?:an?|the|une?|el|la|"
    r"einer|der|uma?|o)?\s*(?:new\s+|federal\s+)?(?:court\s+)?(?:order|ruling|decision|filing)\b"
)
# Headlines carry a decision in their own shorthand: "Musk's lawsuit dismissed on ... grounds",
# "Musk loses bid to ...", "Musk scheitert mit Antrag".
HEADLINE_DECISION_RE = re.compile(
    r"\b(?:lawsuit|suit|case|claims?|bid|request|motion|injunction|klage|antrag|plainte|"
    r"demande|demanda|causa|acao)\s+(?:\S+\s+){0,3}?(?:is\s+|are\s+)?(?:dismissed|denied|rejected|thrown out|"
    r"tossed|struck|abgewiesen|abgelehnt|rejetee?s?|rechazad[ao]|desestimad[ao]|respint[ao]|"
    r"rejeitad[ao])\b"
    r"|\b(?:loses|lost|fails|failed|scheitert|scheiterte|perd|pierde|perde)\s+(?:\S+\s+){0,3}?"
    r"(?:bid|request|motion|lawsuit|case|suit|fight|against|antrag|eilantrag|klage|mit|demande|"
    r"proces|contre|solicitud|demanda|contra|richiesta|causa|contro|pedido|acao)\b"
)
# "Musk's injunction was denied", "the motion was granted": a decision with no court named.
DECIDED_SUBJECT_RE = re.compile(
    r"\b(?:injunction|motion|motions|request|bid|petition|lawsuit|suit|claims?|case|demande|"
    r"requete|plainte|antrag|klage|solicitud|demanda|richiesta|istanza|pedido|acao)\s+"
    r"(?:\S+\s+){0,2}?(?:was|were|has been|have been|had been|a ete|wurde|fue|e stato|e stata|"
    r"foi)\s+(?:denied|rejected|granted|dismissed|thrown out|tossed|rejetee?s?|abgewiesen|"
    r"abgelehnt|rechazad[ao]|desestimad[ao]|respint[ao]|negad[ao]|rejeitad[ao])\b"
)
COURT_RE = re.compile(_actor_re(COURT_ACTORS))

DECISION_VERBS = [
    # en
    "denied", "denies", "denying", "rejected", "rejects", "rejecting", "granted", "grants",
    "granting", "dismissed", "dismisses", "dismissing", "ruled", "rules", "rules that", "ruling that",
    "ruled that", "ruling on", "found", "finds", "finding that", "finding", "decided", "decides", "deciding",
    "held that", "holds that", "allowed", "allows", "allowing", "cleared the way",
    "clears the way", "clearing the way", "sided with", "sides with", "siding with", "struck",
    "strikes", "striking", "tossed", "tosses", "threw out", "throws out", "nixed", "nixes",
    "nixing", "blocked", "blocks", "halted", "upheld", "upholds", "affirmed", "affirms",
    "reversed", "reverses", "overturned", "overturns", "scheduled", "schedules", "set a trial",
    "set the trial", "sets trial", "set trial", "set a jury trial", "sets a jury trial",
    "set the case for", "set jury selection", "sets jury selection", "set a trial date",
    "set the trial date", "ordered", "orders", "ordering", "sent the case", "sends the case",
    "refused", "refuses", "refusing", "agreed with", "agrees with", "returned a verdict",
    "returned with a verdict", "returning with a verdict", "returning a verdict",
    "reached a verdict", "adopted", "adopts", "declined", "declines", "gave the green light",
    "gives the green light", "green-lit", "greenlit", "kept alive", "keeps alive", "approved",
    "approves", "concluded", "concludes", "concluding that", "determined", "determines",
    "trimmed", "trims", "narrowed", "narrows", "pared back", "turned down", "turns down",
    "let _ proceed", "let _ go forward", "let _ move forward", "pushed back", "pushes back",
    "pushed _ back", "pushes _ back",
    "moved the trial", "moves the trial", "postponed", "delayed the trial", "agreed to",
    "ruled against", "rules against", "ruled for", "ruled in favor", "sided against",
    "bestatigte", "bestatigt", "hob ~ auf", "aufgehoben", "a confirme", "confirmo", "revoco",
    "ha confermato", "confermato", "confirmou", "reformou", "維持", "维持", "支持",
    "barred", "bars", "excluded", "excludes", "admitted", "accepted", "accepts",
    # fr
    "a rejete", "rejette", "a refuse", "refuse", "a deboute", "deboute", "a statue", "statue",
    "a ordonne", "ordonne", "a accorde", "a autorise", "autorise", "a tranche", "tranche",
    "a decide", "a estime", "estime que", "a fixe", "a rendu", "rend", "donne son feu vert",
    "a donne son feu vert", "feu vert", "a accepte", "a valide", "a annule", "a ecarte",
    "ecarte", "a conclu", "a donne raison", "donne raison", "son refus", "sa decision",
    "ont conclu", "ont estime", "a juge", "ont juge", "a reporte", "a repousse", "a limite",
    # de
    "wies", "weist", "zuruckgewiesen", "lehnte", "lehnt", "abgelehnt", "entschied",
    "entschieden", "entscheidet", "ordnete", "ordnet", "angeordnet", "gab _ statt",
    "stattgegeben", "urteilte", "geurteilt", "stellte _ fest", "festgestellt", "befand",
    "befanden", "erlaubte", "liess _ zu", "lasst _ zu", "zugelassen", "verwarf", "verworfen",
    "setzte _ an", "terminiert", "grunes licht", "kippte", "gekippt", "wiesen",
    "setzte ~ an", "setzt ~ an", "liess ~ zu", "lasst ~ zu", "wies ~ ab", "wies ~ zuruck",
    "lehnte ~ ab", "kamen zu dem schluss", "kam zu dem schluss", "kamen zum schluss",
    "verschob", "verschoben", "setzte ~ fest", "setzt ~ fest", "festgesetzt", "legte ~ fest",
    "legt ~ fest", "festgelegt",
    # es
    "denego", "deniega", "nego", "niega", "rechazo", "rechaza", "desestimo", "desestima",
    "dictamino", "dictamina", "ordeno", "ordena", "decidio", "determino", "resolvio",
    "concedio", "otorgo", "admitio", "permitio", "permite", "fijo", "programo", "dio luz verde",
    "da luz verde", "le dio la razon", "se puso del lado", "fallo a favor", "anulo", "bloqueo",
    "concluyo", "concluyeron", "determinaron", "aplazo", "pospuso", "archivo",
    # it
    "ha respinto", "respinto", "respinge", "ha rigettato", "rigettato", "rigetta",
    "ha negato", "ha accolto", "accolto", "accoglie", "ha stabilito", "stabilito", "stabilisce",
    "ha deciso", "deciso", "ha ordinato", "ordinato", "ordina", "ha concesso", "archiviato",
    "ha fissato", "fissato", "via libera", "ha dato ragione", "dato ragione", "ha concluso",
    "hanno concluso", "ha archiviato", "ha rinviato", "ha ammesso", "ha escluso",
    # pt
    "negou", "rejeitou", "rejeita", "decidiu", "determinou", "ordenou", "concedeu", "acatou",
    "indeferiu", "deferiu", "marcou", "sinal verde", "deu razao", "concluiu", "concluiram",
    "arquivou", "adiou", "rejeitaram",
    # zh / ja
    "裁定", "裁决", "裁決", "判决", "判決", "驳回", "駁回", "否决", "否決", "拒绝", "拒絕", "批准",
    "准许", "准許", "决定", "決定", "下令", "认定", "認定", "裁示", "判定", "退け", "却下", "棄却",
    "認め", "決定を下し", "判断を下し", "命じ", "評決", "定于", "定於", "定在", "排定", "判断し",
    "結論づけ", "结论", "判定", "通知了", "未獲法院采納", "未获法院采纳", "未獲采納", "未获采纳",
    # ko / vi
    "기각했", "기각한", "승인했", "거부했", "받아들이지 않았", "판결했", "결정했",
    "bac bo", "tu choi", "chap thuan", "ra phan quyet",
]
# Passive decisions need a court named anywhere in the sentence ("as ruled by Judge X").
PASSIVE_DECISIONS = [
    "was denied", "were denied", "has been denied", "have been denied", "was rejected",
    "were rejected", "has been rejected", "was dismissed", "were dismissed", "has been dismissed",
    "was granted", "were granted", "has been granted", "is set for", "was set for",
    "has been set for", "are set for", "was scheduled", "has been scheduled", "were struck",
    "was struck", "were tossed", "was tossed", "was thrown out", "were thrown out",
    "is scheduled to begin", "is scheduled to start", "was scheduled to begin",
    "a ete rejetee", "a ete rejete", "ont ete rejetees", "a ete fixe", "a ete fixee",
    "a ete reporte", "a ete repousse", "wurde abgewiesen", "wurde abgelehnt",
    "wurde ~ abgewiesen", "wurde ~ abgelehnt",
    "wurde angesetzt", "wurde verschoben", "wurde festgesetzt", "fue rechazada",
    "fue rechazado", "fue desestimada", "fue desestimado", "fue fijado", "fue fijada",
    "fue aplazado", "fue aplazada", "e stato respinto", "e stata respinta",
    "e stato fissato", "e stata fissata", "e stato rinviato", "foi marcado", "foi marcada",
    "foi adiado", "foi adiada", "foi negado", "foi negada", "foi rejeitado", "foi rejeitada",
]
SCHEDULE_VERBS = [
    "scheduled", "schedules", "set a trial", "set the trial", "sets trial", "set trial",
    "set a jury trial", "sets a jury trial", "set the case for", "is set for", "was set for",
    "set jury selection", "sets jury selection", "set a trial date", "set the trial date",
    "has been set for", "are set for", "was scheduled", "has been scheduled", "a fixe",
    "setzte _ an", "terminiert", "fijo", "programo", "ha fissato", "fissato", "marcou",
    "setzte ~ an", "setzt ~ an", "pushed back", "pushes back", "moved the trial",
    "pushed _ back", "pushes _ back",
    "moves the trial", "postponed", "delayed the trial", "a reporte", "a repousse", "verschob",
    "verschoben", "setzte ~ fest", "setzt ~ fest", "festgesetzt", "legte ~ fest", "legt ~ fest",
    "festgelegt", "aplazo", "pospuso", "ha rinviato", "adiou", "定于", "定於", "定在", "排定",
    "is scheduled to begin", "is scheduled to start", "was scheduled to begin", "a ete fixe",
    "a ete fixee", "a ete reporte", "a ete repousse", "wurde angesetzt", "wurde verschoben",
    "wurde festgesetzt", "fue fijado", "fue fijada", "fue aplazado", "fue aplazada",
    "e stato fissato", "e stata fissata", "e stato rinviato", "foi marcado", "foi marcada",
    "foi adiado", "foi adiada", "通知了",
]
VERDICT_VERBS = [
    "returned a verdict", "returned with a verdict", "returning with a verdict",
    "returning a verdict", "reached a verdict", "評決",
]
DECISION_RE = compile_words(DECISION_VERBS + PASSIVE_DECISIONS)
PASSIVE_RE = compile_words(PASSIVE_DECISIONS)
SCHEDULE_RE = compile_words(SCHEDULE_VERBS)
VERDICT_VERB_RE = compile_words(VERDICT_VERBS)

# Between the actor and the verb (or just before the verb): not a decision (yet).
HEDGES = [
    "will", "would", "could", "may", "might", "should", "can", "likely", "unlikely", "expected",
    "poised", "plans", "plan to", "intends", "indicated", "signaled", "signalled", "suggested",
    "appeared", "appears", "seems", "set to", "is to", "if", "whether", "when", "not",
    "n't", "never", "yet to", "without", "asked", "urged", "requested", "petitioned", "hopes",
    "tentative", "tentatively", "preview", "told", "weighing", "considering", "could",
    "hasn't", "has not", "haven't", "have not", "hadn't", "had not", "not yet", "didn't",
    "did not", "doesn't", "does not", "won't", "wasn't", "weren't", "pas encore",
    "va", "vont", "pourrait", "pourraient", "devrait", "devra", "pourra", "s'apprete",
    "a indique", "laisse entendre", "probablement", "si", "pas", "sans",
    "wird", "werde", "werden", "durfte", "sollte", "voraussichtlich", "nicht", "kein", "keine",
    "noch nicht", "ob", "wenn", "falls", "sagte",
    "va a", "podria", "deberia", "probablemente", "se espera", "no", "sin", "podra",
    "potrebbe", "dovrebbe", "sta per", "probabilmente", "non", "senza",
    "podera", "poderia", "deveria", "provavelmente", "nao", "sem",
    "将于", "將於", "将会", "將會", "将在", "將在", "可能", "预计", "預計", "或将", "或將", "如果", "若", "尚未", "未", "不", "没有",
    "沒有", "見通し", "可能性", "場合", "まだ",
]
HEDGE_RE = compile_words(HEDGES)
# Where a new predicate of the same actor starts between the actor and the verb ("said Musk had
# not shown ... and turned down his request", "said the case will go to a jury, rejecting ..."):
# hedges before it belong to the reported clause, not to the verb.
CLAUSE_BOUNDARY_RE = re.compile(
    r"(?:,|;|\s)\s*(?:and|but|while|et|mais|und|aber|y|pero|e|ma|mas)\s+(?:also\s+|then\s+)?$"
    r"|,\s*$"
)
# Right before the court: a condition ("if the judge denies ...").
CONDITION_RE = compile_words([
    "if", "when", "whether", "unless", "once", "should", "si", "wenn", "falls", "ob", "se",
    "caso", "如果", "若", "一旦",
])
# "when"/"once" + a verb in the past tense is a time ("when a judge refused ..."), no condition.
TEMPORAL_CONDITIONS = frozenset({"when", "once"})
PAST_TENSE_RE = re.compile(
    r"[a-z]+ed\b|(?:found|struck|threw|held|set|gave|kept|let|sent|upheld|took|sided)\b"
)
# Right before the verb: "to deny", "not rule", "nicht".
IMMEDIATE_HEDGE_RE = re.compile(r"(?:^|[^a-z])(?:to|not|n't|never|nicht|pas|no|non|nao)\s*$|(?:未|不|没有|沒有|尚未|将|將)\s*$")
# After a Japanese verb: negation or intention.
JA_NEG_AFTER_RE = re.compile(r"^\S{0,4}?(?:ない|なかっ|ず|ません|予定|見通し|可能性|方針|よう|ように)")
# Someone asks the court: the decision is what they want, not what happened.
REQUEST_BEFORE_ACTOR = compile_words([
    "asked", "asks", "asking", "urged", "urges", "petitioned", "requested", "requests", "seeks", "sought", "wants", "called on", "solicitou", "pidio", "pidieron", "solicito",
    "a demande", "demande", "bat", "beantragte", "beantragt", "forderte", "ha chiesto", "chiede",
    "要求", "请求", "請求", "申请", "申請", "求め", "dans l'attente", "awaiting", "waiting for",
    "challenging", "challenges", "challenged", "appealing", "appealed", "appeal of",
    "appeal against", "contesting", "contests", "to overturn", "conteste", "contestant",
    "anfechten", "focht", "recurre", "recurrio", "impugna", "impugno", "impugnando", "contesta",
])
# "found itself performing": a reflexive verb reports no decision.
REFLEXIVE_AFTER = re.compile(r"^\s+(?:itself|themselves|himself|herself)\b")
# Verbs that decide only from an appeals court ("bestätigte" from a press officer is no ruling).
APPEAL_ONLY_VERBS = compile_words([
    "bestatigte", "bestatigt", "hob ~ auf", "aufgehoben", "a confirme", "confirmo", "revoco",
    "ha confermato", "confermato", "confirmou", "reformou", "維持", "维持", "支持",
])
# A party withdrawing is no ruling.
VOLUNTARY_RE = compile_words([
    "voluntarily", "voluntary", "withdrew", "withdrawn", "withdraws", "dropped his", "dropped the",
    "drops his", "a retire", "retire sa", "zuruckgezogen", "zog _ zuruck", "retiro", "desistio",
    "ritirato", "ritira", "retirou", "desistiu", "撤回", "撤訴", "撤诉",
    "取り下げ",
])
# A sentence about a different case ("in a separate case").
OTHER_CASE_RE = compile_words([
    "separate case", "separate lawsuit", "another case", "another lawsuit", "different case",
    "autre affaire", "autre dossier", "anderen verfahren", "anderen fall", "otro caso",
    "otra demanda", "altro caso", "outro caso", "另一起", "另案", "別の訴訟",
])

KIND_CUES: dict[str, list[str]] = {
    "verdict": [
        "verdict", "verdicts", "veredicto", "verdetto", "time-barred", "statute of limitations",
        "waited too long", "評決", "陪審團裁定", "陪审团裁定", "too late", "prescrit",
        "prescrits", "prescrites", "prescription", "verjahrt", "verjahrung", "prescrito",
        "prescritos", "prescritas", "prescripcion", "prescritto", "prescritte", "prescritti",
        "prescrizione", "prescritas", "prescricao", "诉讼时效", "訴訟時效", "時効",
    ],
    "dismissal": [
        "motion to dismiss", "motions to dismiss", "bid to dismiss", "request to dismiss",
        "dismissal", "dismiss", "throw out", "toss", "tossed", "thrown out", "abweisung",
        "abzuweisen", "abgewiesen", "klageabweisung", "desestimar", "desestimacion",
        "archiviare", "archiviazione", "rejet de la plainte", "rejeter la plainte", "irrecevable",
        "arquivamento", "arquivar", "驳回起诉", "駁回起訴", "驳回诉讼", "駁回訴訟", "訴えを却下", "訴えの一部を却下",
        "dismissed", "dismisses", "dismissing", "tosses", "tossing", "throws out", "threw out",
        "trimmed", "trims", "narrowed", "pared back", "survive", "survives", "survived",
        "can't pursue", "cannot pursue", "can not pursue", "klagepunkte", "teil der klage",
        "teilweise abgewiesen", "teilweise ab", "klage ~ ab", "teile der", "teile von",
        "要求驳回", "要求駁回", "请求驳回", "請求駁回", "申请驳回", "申請駁回", "撤销诉讼",
        # a court rejecting the suit itself is its dismissal, in any language
        "rejected _ lawsuit", "rejects _ lawsuit", "rejected _ suit", "rejects _ suit",
        "소송 기각", "기각 요청", "각하", "huy bo vu kien", "bac bo vu kien",
        "a rejete _ plainte", "rejette _ plainte", "desestimo _ demanda", "desestima _ demanda",
        "rechazo _ demanda", "rechaza _ demanda",
    ],
    "summary_judgment": [
        "summary judgment", "summary judgement", "avoid a trial", "avoid trial", "avoid a jury trial", "avoid a jury",
        "avoid going to trial", "end the case before trial", "before trial", "go to trial",
        "goes to trial", "go to a jury", "head to trial", "heads to trial", "proceed to trial",
        "must face trial", "face a jury", "face trial", "resolved by a jury", "jury should",
        "jury to decide", "jury trial", "full trial", "to a jury", "before a jury",
        "proces devant un jury", "eviter un proces", "jugement sommaire", "geschworenenprozess",
        "geschworenenjury", "vor eine jury", "einem prozess stellen", "prozess zu verhindern",
        "ohne prozess", "juicio sumario", "evitar el juicio", "evitar un juicio",
        "juicio completo", "juicio con jurado", "ir a juicio", "evitare il processo",
        "processo con giuria", "evitar o julgamento", "julgamento com juri", "陪審團審理",
        "陪审团审理", "陪審審理", "陪審による審理", "陪審員による審理", "交由陪審團", "交由陪审团", "陪審員裁判", "陪審裁判", "正式事実審理",
        "避免審判", "避免审判", "without a trial", "without trial", "end the case without",
        "enough evidence for a jury", "enough evidence for jurors", "evidence for jurors",
        "decided by a jury", "decidida por un jurado", "decisa da una giuria",
        "decidida por um juri", "tranchee par un jury", "jugee par un jury", "senza processo",
        "sem julgamento", "sin juicio", "sans proces", "a jury could", "jurors to decide",
        "vor geschworenen", "vor die geschworenen", "배심원 재판", "배심원단이 검토", "재판 진행", "jury entendra", "jury tranchera",
        "juri avaliara", "juri decidira", "giuria decidera", "jurado decidira",
        "giuria a decidere", "jury a decider", "jurado quien decida", "the case can proceed",
    ],
    "trial_schedule": [
        "trial date", "jury selection", "delay the trial", "delay trial", "postpone the trial",
        "scheduled", "schedules", "set a trial", "set the trial",
        "set trial", "set a jury trial", "sets a jury trial", "set the case for", "set for trial",
        "fixe", "a fixe", "angesetzt", "setzte _ an", "terminiert", "prozessbeginn", "fijo",
        "programo", "fissato", "ha fissato", "marcou", "定於", "定于", "開庭日", "审判日期",
        "審理日程", "auswahl der geschworenen", "jurywahl", "seleccion del jurado",
        "selection du jury", "selection des jures", "selezione della giuria", "selecao do juri",
        "陪审团遴选", "陪審團遴選", "陪審員の選定", "陪審員選任", "beginn des prozesses",
        "expedite", "expedited", "expedited trial", "scheduled to begin", "scheduled to start",
        "inicio do julgamento", "debut du proces", "開庭日期", "开庭日期",
    ],
    "injunction": [
        "injunction", "preliminary injunction", "restraining order", "immediate relief",
        "emergency relief", "irreparable harm", "to block", "to halt", "blocking", "injonction", "refere",
        "de bloquer", "bloquer la", "zu blockieren", "bloquear", "bloccare",
        "prejudice irreparable", "intervention judiciaire immediate", "einstweilige verfugung", "eilantrag", "eilantrags",
        "einstweiligen verfugung", "vorlaufige verfugung", "unterlassung", "medida cautelar",
        "orden judicial", "alivio inmediato", "ingiunzione", "provvedimento cautelare",
        "liminar", "禁制令", "初步禁令", "临时禁令", "臨時禁令", "差し止め", "仮処分",
    ],
    "discovery": [
        "discovery", "produce documents", "compel", "subpoena", "deposition", "sanctions",
        "hand over", "turn over", "internal documents", "documents internes",
        "communiquer", "remettre des documents", "interne dokumente", "interne unterlagen",
        "herausgabe", "offenlegung", "documentos internos", "entregar documentos",
        "documenti interni", "consegnare", "deposicion", "deposizione", "depoimento",
        "turned over", "hand over documents", "produce records", "内部文件", "内部文書",
        "privilege", "production of documents", "証拠開示", "证据开示",
    ],
    "other": [
        "counterclaim", "counterclaims", "counter-claims", "countersuit", "counter-suit",
        "affirmative defenses", "affirmative defences", "motion to strike", "inadmissible",
        "admissible", "harassment", "demande reconventionnelle",
        "widerklage", "demanda reconvencional", "contrademanda", "domanda riconvenzionale",
        "reconvencao", "反诉", "反訴", "맞소송", "acoso", "harcelement", "belastigung", "molestie",
        "must answer", "doit repondre",
    ],
    "other_weak": ["evidence", "expert", "testimony", "legally sufficient", "proceed", "proceeds"],
}
KIND_RES: dict[str, re.Pattern[str]] = {k: compile_words(v) for k, v in KIND_CUES.items()}
# Kinds in the order a snippet is summed up by (the verdict is the news of its day).
KIND_PRIORITY = (
    "verdict", "appeal", "other", "dismissal", "summary_judgment", "injunction", "discovery",
    "trial_schedule", "other_weak",
)
# A motion from the plaintiff ({PL}) to dismiss is about the counterclaims: kind "other".
PLAINTIFF_MOTION = [
    r"{PL}(?:'s?)?\s+(?:\S+\s+)?(?:bid|motion|request|attempt|effort|offer)",
    r"(?:intento|tentativa|tentativo|antrag|demande|requete|solicitud|peticion|mocion|versuch)"
    r"\s+(?:de|di|von|d'|del)\s*(?:\S+\s+)?{PL}",
]

# fmt: on
