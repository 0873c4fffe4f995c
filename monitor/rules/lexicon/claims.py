"""What marks a money figure as the amount a plaintiff claims, and what marks it as something
else (valuation, investment, bid, fortune, funding, one defendant's share). Folded words."""

from __future__ import annotations

import re

from monitor.rules.lexicon import compile_words

# fmt: off
# Verbs and nouns of claiming, read before the figure ("seeks up to $134bn", "réclame 134 Md").
CLAIM_BEFORE = [
    # en
    "seek", "seeks", "seeking", "sought", "demand", "demands", "demanding", "demanded",
    "ask for", "asks for", "asking for", "asked for", "asked _ to award", "asks _ to award",
    "asking _ to award", "request", "requests", "requesting", "requested", "claim", "claims",
    "claiming", "claimed", "want", "wants", "wanting", "wanted", "pursue", "pursues", "pursuing",
    "calls for", "call for", "called for", "is after", "award", "recover", "recoup", "damages",
    "compensation", "restitution", "disgorgement", "wrongful gains", "ill-gotten gains",
    "improper gains", "unlawful gains", "sue for", "sues for", "sued for", "suing for",
    "payout of", "damages range", "lawsuit seeking", "suit seeking", "lawsuit for", "suit for",
    "lawsuit worth", "suit worth", "claim worth", "demanding payment of", "to pay him", "owed",
    "is owed", "are owed", "owes him", "to pay", "entitled to", "award him", "award of",
    "disgorge", "disgorgement of", "collect", "owe", "would owe", "return", "pay back", "repay",
    # a claiming verb with the payer between it and "pay": "demands OpenAI, Microsoft pay up to"
    "demand _ pay", "demands _ pay", "demanding _ pay", "demanded _ pay", "wants _ to pay",
    "wants _ pay", "want _ to pay", "asks _ to pay", "asking _ to pay", "asked _ to pay",
    "make _ pay", "makes _ pay", "making _ pay",
    # the defendant between "sues" and "for": "sues OpenAI for up to $134bn"
    "sue _ for", "sues _ for", "sued _ for", "suing _ for",
    # figurative claiming verbs of the press
    "chasing", "chases", "chase", "going after", "goes after", "go after", "went after",
    "hunting for", "angling for", "gunning for", "pressing for", "pushing for", "holding out for",
    "put a price of", "puts a price of", "priced his claim at", "put a number on",
    "puts a number on", "putting a number on", "put a price on", "puts a price on",
    # fr
    "reclame", "reclament", "reclamait", "reclamer", "reclamant", "reclamation", "reclamations",
    "demande", "demandent", "demandait", "demander", "exige", "exigent", "exiger", "exigeant",
    "veut", "voulait", "dommages-interets", "dommages et interets", "dommages", "indemnisation",
    "indemnite", "indemnites", "reparation", "lui versent", "lui verser", "verser", "facture",
    "plainte de", "poursuite de", "proces de", "chiffre a", "chiffrent a", "chiffree a",
    "chiffraient a", "ont chiffre a",
    # de
    "fordert", "forderte", "fordern", "forderung", "forderungen", "verlangt", "verlangte",
    "verlangen", "forderten", "verlangten", "schadensersatz", "schadenersatz", "schadensersatzforderung", "entschadigung",
    "wiedergutmachung", "klagt auf", "klage in hohe von", "klage uber", "klage auf",
    "in hohe von", "summe von", "zahlung von", "will von", "wollte von", "verklagt _ auf",
    "anspruch", "anspruche", "beziffert", "beziffern", "bezifferte",
    # es
    "pide", "piden", "pidio", "pedir", "pidiendo", "pedia", "pedian", "reclamaba", "exigia",
    "buscaba", "solicitaba", "quiere", "queria", "exigio", "exigiendo", "exigir", "reclama",
    "reclaman", "reclamo", "reclamacion", "reclamar", "solicita", "solicito", "solicitado",
    "solicitando", "busca", "buscar", "danos y perjuicios", "danos", "indemnizacion",
    "compensacion", "resarcimiento", "demanda de", "demanda por", "demandando",
    "ganancias indebidas", "ganancias ilicitas", "pedida", "reclamada", "reclamado",
    "busca obtener", "quiere obtener", "exigida", "exigido",
    # it
    "chiede", "chiedono", "chiedera", "chiesto", "chiedeva", "chiedevano", "reclamava",
    "vuole", "voleva", "vogliono", "chiedendo", "chiedere", "richiesta",
    "richiede", "pretende", "risarcimento", "danni", "indennizzo", "causa da", "rivendica",
    "profitti indebiti", "guadagni illeciti", "punta a ottenere", "mira a ottenere",
    "cerca di ottenere", "chiesti", "richiesti", "somma richiesta", "cifra richiesta",
    # pt
    "pede", "pedem", "pediu", "pedindo", "pediram", "pedia", "pediam", "reclamava", "exigia",
    "cobrava", "cobrou", "buscava", "quer", "exigiu", "exigindo", "reivindica", "cobra", "buscando",
    "indenizacao", "compensacao", "reparacao", "processo de", "acao de", "pedido", "pedida",
    "quer obter", "busca obter", "cobrado", "cobrada", "reclamado", "reclamada", "pretendido",
    # nl (compounds: "megaschadevergoeding", "schadeclaim")
    "eist", "eisen", "eiste", "eisten", "vraagt", "vragen", "vroeg", "vroegen", "vordert",
    "vorderde", "claimt", "claimde", "wil", "wilde", "*schadevergoeding", "*schadeclaim",
    "compensatie", "vergoeding", "eis", "eis van", "claim van", "aanklacht",
    # ru
    "требует", "требуют", "требова*", "потребова*", "добивается", "добивался", "хочет", "хотел", "просит", "просил", "попросил",
    "взыскать", "взыскания", "возмещение", "возмещения", "компенсацию", "компенсации",
    "компенсация", "ущерб", "ущерба", "иск на сумму", "иск о", "на сумму", "иск", "иска",
    "иске", "иском", "исковые требования", "исковых требований",
    # vi (folded: "yêu cầu", "bồi thường", "đòi bồi thường", "khởi kiện"; folding merges
    # "đòi" with "đổi" and "kiện" with "kiến", so only the longer forms are read)
    "yeu cau", "boi thuong", "khoi kien", "vu kien", "đoi boi thuong", "khoan boi thuong",
    # id
    "menuntut", "tuntutan", "ganti rugi", "meminta", "gugatan", "kompensasi",
    # ko
    "요구", "청구", "손해배상", "배상", "보상", "소송",
    # zh / ja
    "索赔", "索賠", "索偿", "索償", "赔偿", "賠償", "求偿", "求償", "要求", "索取", "索要",
    "請求", "请求", "求め", "損害", "应向其支付", "應向其支付", "向其支付", "向他支付", "赔付",
    "不当な利益", "不当利益", "不当利得", "不当得利", "不當得利", "不法所得", "寻求", "尋求",
    "讨要", "討要", "追讨", "追討", "讨回", "討回",
]
# Read right after the figure: "$134bn in damages", "a $150bn lawsuit", "134-Milliarden-Dollar-Klage".
CLAIM_AFTER = [
    "invoice", "at his expense", "at musk's expense",
    "in damages", "damages", "in compensation", "in restitution", "in disgorgement",
    "in wrongful gains", "in alleged wrongful gains", "in ill-gotten gains", "lawsuit", "suit",
    "case", "legal case", "court case", "lawsuit against", "case against", "suit against",
    "claim", "damages claim", "legal action", "action", "complaint", "demand", "legal battle",
    "legal fight", "court battle", "legal claim", "civil lawsuit", "civil suit",
    "en dommages", "de dommages", "plainte", "poursuite", "action en justice", "reclamation",
    "demande", "klage", "schadensersatzklage", "klageforderung", "forderung", "als schadensersatz",
    "schadensersatz", "schadenersatz", "entschadigung", "an unrechtmassig", "an gewinnen",
    "an schadensersatz", "demanda", "reclamo", "pleito", "en danos", "de indemnizacion",
    "causa", "richiesta", "di danni", "di risarcimento", "processo", "acao", "de indenizacao",
    "em indenizacao", "em ganhos indevidos", "en ganancias indebidas", "de dommages-interets",
    # verb-final clauses: "hatte bis zu 134 Mrd. Dollar gefordert", "134 milliards réclamés"
    "gefordert", "verlangt", "eingeklagt", "reclames", "reclamados", "richiesti", "pedidos",
    # nl, ru, vi, ko
    "*schadevergoeding", "*schadeclaim", "claim", "eis", "geeist", "gevorderd", "geclaimd",
    "в качестве компенсации", "компенсации", "возмещения", "ущерба", "иск", "boi thuong",
    "tien boi thuong", "손해배상", "배상", "배상금", "보상", "소송", "청구", "요구",
    "诉讼", "訴訟", "官司", "索赔", "索賠", "的賠償", "的赔偿", "賠償金", "赔偿金", "的損害賠償",
    "訴え", "の損害賠償", "損害賠償", "の賠償", "の支払い", "赔偿", "賠償", "請求", "请求",
    "要求", "不当得利", "不當得利", "取り戻",
]
# Weak: only with a claiming word elsewhere in the sentence ("... totalling $79bn-$134bn").
CLAIM_TOTAL = [
    "totaling", "totalling", "total of", "in total", "combined", "a combined", "altogether",
    "together", "in all", "zusammen", "en conjunto", "in tutto", "ao todo", "合わせて", "合计约", "totalisant", "au total", "insgesamt",
    "en total", "in totale", "no total", "in totaal", "samen", "в общей сложности", "всего",
    "tong cong", "모두", "총", "合计", "合計", "总计", "總計", "总额", "總額",
]
# Anything that makes a figure something else than the claim.
DISTRACTOR = [
    # en
    "valuation", "valued", "value", "worth", "market value", "market cap",
    "market capitalization", "stake", "invest*", "contribut*", "donat*", "gave", "seed", "funding",
    "fund", "funds", "funded", "fundraising", "raise", "raised", "raising", "round", "bid",
    "bids", "offer", "offered", "acquire", "acquired", "acquisition", "takeover", "buy",
    "bought", "purchase", "fortune", "net worth", "wealth", "richest", "pay package",
    "compensation package", "pay", "paid", "salary", "revenue", "revenues", "sales", "profit",
    "profits", "earned", "earn", "earns", "gained", "gain", "deal", "deals", "contract",
    "equity", "shares", "share", "shareholding", "capital", "budget", "cost", "costs", "spent",
    "spend", "spending", "loan", "debt", "fine", "penalty", "settlement", "ipo", "price",
    "priced", "awarded", "nominal damages", "portion", "alone", "each", "reminder",
    # fr
    "valorisation", "valeur", "valorisee", "evaluee", "vaut", "investi", "investissement",
    "apport", "contribution", "donne", "donnes", "donnee", "dons", "don", "injecte", "financement",
    "levee", "tour de table", "offre", "rachat", "fortune", "patrimoine", "remuneration", "part",
    "participation", "benefices", "chiffre d'affaires", "gagne", "amende", "seulement",
    # de
    "bewertung", "bewertet", "wert", "investiert", "investition", "beteiligung", "anteil",
    "spende", "gespendet", "finanzierung", "finanzierungsrunde", "anschubfinanzierung",
    "angebot", "ubernahme", "kaufangebot", "vermogen", "gehalt", "vergutungspaket", "umsatz",
    "gewinn", "verdient", "erzielt", "kapital", "allein", "alleine", "jeweils",
    # es
    "valoracion", "valorada", "valor", "vale", "inversion", "invertido", "invirtio", "aporte",
    "aporto", "dono", "donacion", "financiacion", "financiamiento", "ronda", "oferta",
    "adquisicion", "compra", "fortuna", "patrimonio", "paquete salarial", "ingresos",
    "beneficios", "gano", "participacion", "parte", "cuota", "solo", "solamente",
    # it
    "valutazione", "valutata", "valore", "investito", "investimento", "contributo", "donato",
    "donazione", "finanziamento", "offerta", "acquisizione", "ricavi", "profitti", "guadagnato",
    "capitale", "quota",
    # pt
    "avaliacao", "avaliada", "investiu", "doou", "doacao", "rodada", "aquisicao", "receita",
    "lucro",
    # nl
    "waardering", "gewaardeerd", "waarde", "waard", "investering", "geinvesteerd",
    "investeerde", "bijdrage", "gedoneerd", "doneerde", "donatie", "schonk", "financiering",
    "financieringsronde", "bod", "overnamebod", "overname", "vermogen", "fortuin", "belang",
    "aandeel", "aandelen", "omzet", "winst",
    # ru (stems: the words decline)
    "оцен*", "стоимост*", "стоит", "капитализац*", "инвест*", "вложил*", "пожертв*",
    "финансир*", "раунд*", "предложени*", "предложил*", "поглощени*", "покупк*", "купить",
    "купил*", "состояни*", "доля", "долю", "доли", "долей", "выручк*", "прибыл*", "штраф*", "привлеч*", "привлек*",
    # raising money (es, pt, it, fr, de, nl, vi, ko)
    "recaudar", "recaudo", "recaudacion", "levantar", "levantou", "captar", "captou",
    "captacao", "raccogliere", "raccolto", "raccolta", "lever", "leve", "einsammeln",
    "eingesammelt", "ophalen", "opgehaald", "huy đong", "유치", "조달",
    # id
    "valuasi", "bernilai", "investasi", "berinvestasi", "donasi", "menyumbang", "pendanaan",
    "tawaran", "akuisisi", "kekayaan", "saham",
    # vi
    "đinh gia", "gia tri", "von hoa", "đau tu", "quyen gop", "tai tro", "gop von",
    "đe nghi mua", "mua lai", "thau tom", "tai san", "co phan", "doanh thu", "loi nhuan",
    # ko
    "가치", "기업가치", "평가", "투자", "기부", "출자", "자금", "인수", "입찰", "제안", "재산",
    "자산", "지분", "매출", "이익", "몫",
    # zh / ja
    "估值", "市值", "投资", "投資", "投入", "种子", "種子", "资金", "資金", "融资", "融資", "收购",
    "收購", "报价", "報價", "出价", "出價", "身家", "财富", "財富", "资产", "資產", "薪酬", "股份",
    "股权", "股權", "营收", "營收", "利润", "利潤", "获得", "獲得", "捐", "评估", "評估",
    "評価額", "時価総額", "出資", "寄付", "買収", "資産", "報酬", "株式", "売上", "利益",
]
# Distractors that sink a figure when they sit right after it ("$500bn valuation").
DISTRACTOR_AFTER = [
    "valuation", "valuations", "stake", "investment", "investments", "bid", "offer",
    "takeover", "funding", "round", "fortune", "pay package", "package", "compensation package",
    "deal", "deals", "contract", "market", "ipo", "fine", "penalty", "settlement", "reminder",
    "calendar", "investor", "in funding", "in seed", "seed", "in capital", "capital",
    "en capital", "de capital", "d'investissement", "valorisation", "kapital", "bewertung",
    "beteiligung", "finanzierung", "investition", "spende", "valoracion", "inversion",
    "valutazione", "investimento", "估值", "市值", "种子", "種子", "资金", "資金", "融资",
    "融資", "投资", "投資", "收购", "收購", "身家", "评估", "評估", "評価額", "出資", "買収",
    "verdient", "gained", "earned", "worth of", "waardering", "investering", "bod", "belang",
    "оценки", "инвестиций", "đinh gia", "von hoa", "가치", "평가", "투자", "지분", "ophalen",
    "op te halen", "einsammeln", "aufnehmen", "유치",
]

# "$65.5bn-$109.4bn from OpenAI" right after a figure: one defendant named as the payer. Only a
# share when another figure of the sentence has another single payer ("... and $13.3bn from
# Microsoft"); {DEF} is one defendant's aliases.
FROM_ONE_DEFENDANT = (
    r"^\s*(?:\S+\s+){{0,2}}?(?:from|against|von|gegen|contre|contra|contro|van|de|d'|a|da|del|dalla|do|aupres de|a cargo de)\s+"
    # "from OpenAI and Microsoft" is both; "from OpenAI and $13bn from Microsoft" is one each.
    r"(?:the\s+|la\s+|el\s+|der\s+|il\s+)?{DEF}"
    # (the text may end right there: the next figure starts where the window stops)
    r"(?![\s-]+(?:and|und|et|y|e)\s+(?!(?:between|entre|zwischen|tra|fra|up to|\$|us\$|usd|€|\d|$)))"
)
# Another figure attributed to one defendant ("Microsoft could be on the hook for $13bn").
ONE_DEFENDANT_OWES = (
    r"{DEF}\s+(?:\S+\s+){{0,4}}?(?:owes?|pay|on the hook|liable|responsible|share|portion|part)"
    r"|{DEF}(?:応|應|应|需要|需|則需要|则需要|則需|则需)?(?:支付|賠償|赔偿)"
)
# One defendant's share, with {DEF} standing for the defendants' aliases (folded).
PER_DEFENDANT = [
    r"{DEF}(?:'s?)?\s+(?:\S+\s+){{0,3}}?(?:share|portion|part|gains?|enrichment|profits?|benefit)(?![a-z])",
    # ("de parte de OpenAI y Microsoft" is "from", not "part of")
    r"(?<!de )(?<!por )(?:share|portion|part|parte|anteil|quota|cuota|celle|celui|that|those|deel|aandeel|доля)\s+(?:\S+\s+){{0,2}}?(?:of|de|d'|von|di|da|del|dell'|van)\s*{DEF}",
    r"{DEF}\s+(?:\S+\s+){{0,2}}?(?:gained|earned|received|got|should pay|must pay|would pay|could pay|owes?|verdient|gano|guadagnato|ganhou|devrait verser|devrait payer|doit verser|doit payer|deberia pagar|debe pagar|tendria que pagar|dovrebbe pagare|dovrebbe versare|deve pagare|deveria pagar|deve pagar|teria de pagar|musste|muss)(?![a-z])",
    r"(?:from|von|de|a|da|van)\s+{DEF}\s+(?:alone|allein|alleine|solo|seul|seule|solamente|unicamente|alleen)(?![a-z])",
    r"(?<![a-z])(?:alone|allein|alleine|solo|seulement|solamente|unicamente|alleen)\s+(?:from|von|de|da|a|van)\s",
    # "OpenAI (could) have to pay / bear": 可能需承担, 应支付, 则需赔偿
    r"{DEF}(?:可能|或将|或將|将|將|恐)?(?:需要|需|応|应|應|则|則|要){{0,2}}(?:支付|賠償|赔偿|承担|承擔|負担|负担)",
    r"{DEF}(?:的)?(?:部分|份额|份額|分)",
    r"{DEF}\s+(?:\S+\s+){{0,3}}?(?:a elle seule|a lui seul|por si sola|por si solo|da sola|da solo|sozinha|sozinho|on its own|by itself)",
    # ko: "오픈AI 몫" (OpenAI's share), "오픈AI가 부담" (OpenAI bears)
    r"{DEF}(?:의|가|이|는|은)?\s?(?:몫|분담|부담)",
]

# Verb-final languages: the claiming verb closes the figure's clause ("…1340億ドルの支払いを
#求めている", "…の返還を求め"), read up to the clause end.
CLAIM_CLAUSE_END = [
    "求め", "請求し", "請求して", "請求する", "要求し", "要求して", "要求する", "取り戻",
    "요구했", "요구하", "요구한", "청구했", "청구하", "청구한", "받아야",
]
# A sentence that opens with the one payer ("Von Microsoft verlangt Musk ...", "From OpenAI
# alone, ..."): the figure is that defendant's share.
PAYER_FIRST_RE = re.compile(
    r"^\s*(?:from|von|de la part de|da parte di|por parte de|da parte de)\s+(?:the\s+|der\s+)?"
)
# A claim said to be worth the figure ("his claim ... is worth more than $100bn", "la causa vale
# fino a"): the claim noun, then no relative clause (which would make the worth another thing's).
CLAIM_WORTH_RE = re.compile(
    r"(?<![a-z])(?:claim|lawsuit|suit|case|causa|demanda|plainte|klage|acao|processo|richiesta)"
    r"(?![a-z])(?:(?!(?<![a-z])(?:which|that|who|whose|que|qui|dont|che|die|das|der)(?![a-z]))"
    r"[^,;:])*?(?<![a-z])(?:is|are|could be|would be|may be|might be|was|is now)?\s*"
    r"(?:worth|vale|vaut|valdria|varrebbe|valeria|wert)\s*$"
)
# A sentence that opens by pointing back at the figure before it ("That is the sum Musk
# demanded", "C'est la somme que réclame Musk", "这就是马斯克索赔的金额").
BACK_REFERENCE_RE = re.compile(
    r"\s*(?:that is|that's|this is|it is|that was|this was|c'est|voila|das ist|dies ist|"
    r"esa es|esta es|essa e|esta e|questa e|quella e|这就是|这是|這就是|這是|これが|これは)"
    r"(?![a-z])"
)
CLAIM_BEFORE_RE = compile_words(CLAIM_BEFORE)
CLAIM_CLAUSE_END_RE = compile_words(CLAIM_CLAUSE_END)
CLAIM_AFTER_RE = compile_words(CLAIM_AFTER)
CLAIM_TOTAL_RE = compile_words(CLAIM_TOTAL)
DISTRACTOR_RE = compile_words(DISTRACTOR)
DISTRACTOR_AFTER_RE = compile_words(DISTRACTOR_AFTER)
# A sentence about a claim at all (for the weak "totalling" cue).
CLAIM_CONTEXT_RE = compile_words([*CLAIM_BEFORE, "lawsuit", "suit", "klage", "demanda", "plainte"])

# fmt: on
