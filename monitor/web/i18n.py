"""The words and dates of the web pages in the reader's language (MONITOR_LANGUAGE: en, fr).
Input: a key or a datetime; output: text. The alerts' own wording is stored with them."""

from __future__ import annotations

from datetime import datetime

from monitor.domain import as_utc

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Dispute monitor",
        "standing": "Where the dispute stands",
        "claimed_now": "Claimed now",
        "since": "since",
        "from": "first reported by",
        "confirmed_by": "outlets",
        "court": "court record",
        "previous": "before",
        "no_claim": "No claim amount confirmed yet.",
        "chart": "Claimed amount over time",
        "chart_label": "Claimed amount over time, one step per confirmed change",
        "no_chart": "Not enough history for a chart yet.",
        "rulings": "Rulings",
        "no_rulings": "No ruling yet.",
        "stories": "Latest stories",
        "no_stories": "No story yet.",
        "reports": "reports",
        "languages": "languages",
        "outlets": "Outlets",
        "sources": "Sources",
        "source": "Source",
        "last_check": "Last check",
        "status": "Status",
        "error": "Error",
        "next_check": "Next check",
        "health": "Health",
        "outbox": "Outbox",
        "outbox_empty": "Nothing waiting: every message was sent.",
        "channel": "Channel",
        "attempts": "Attempts",
        "next_attempt": "Next attempt",
        "alert": "Alert",
        "pending": "pending",
        "failed": "failed",
        "sending": "sending",
        "sent": "sent",
        "story": "Story",
        "first_seen": "First seen",
        "last_seen": "Last seen",
        "all_reports": "Reports",
        "thread": "Thread",
        "no_thread": "No message for this story.",
        "published": "Published",
        "language": "Language",
        "back": "Back to the dashboard",
        "feed": "Atom feed of the alerts",
        "alerts": "Latest alerts",
        "no_alerts": "No alert yet.",
        "why": "Why",
        "never": "never",
        "not_found": "Not found",
        "updated": "Page made",
    },
    "fr": {
        "title": "Suivi du litige",
        "standing": "Où en est le litige",
        "claimed_now": "Montant réclamé",
        "since": "depuis le",
        "from": "d'abord rapporté par",
        "confirmed_by": "médias",
        "court": "dossier du tribunal",
        "previous": "avant",
        "no_claim": "Aucun montant réclamé confirmé pour l'instant.",
        "chart": "Montant réclamé dans le temps",
        "chart_label": "Montant réclamé dans le temps, une marche par changement confirmé",
        "no_chart": "Pas encore assez d'historique pour un graphique.",
        "rulings": "Décisions",
        "no_rulings": "Aucune décision pour l'instant.",
        "stories": "Derniers sujets",
        "no_stories": "Aucun sujet pour l'instant.",
        "reports": "articles",
        "languages": "langues",
        "outlets": "Médias",
        "sources": "Sources",
        "source": "Source",
        "last_check": "Dernière vérification",
        "status": "État",
        "error": "Erreur",
        "next_check": "Prochaine vérification",
        "health": "Santé",
        "outbox": "Envois",
        "outbox_empty": "Rien en attente : tous les messages sont partis.",
        "channel": "Canal",
        "attempts": "Tentatives",
        "next_attempt": "Prochaine tentative",
        "alert": "Alerte",
        "pending": "en attente",
        "failed": "échec",
        "sending": "en cours",
        "sent": "envoyé",
        "story": "Sujet",
        "first_seen": "Vu pour la première fois",
        "last_seen": "Vu pour la dernière fois",
        "all_reports": "Articles",
        "thread": "Fil",
        "no_thread": "Aucun message pour ce sujet.",
        "published": "Publié",
        "language": "Langue",
        "back": "Retour au tableau de bord",
        "feed": "Flux Atom des alertes",
        "alerts": "Dernières alertes",
        "no_alerts": "Aucune alerte pour l'instant.",
        "why": "Pourquoi",
        "never": "jamais",
        "not_found": "Introuvable",
        "updated": "Page générée",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def format_when(value: datetime | None, language: str) -> str:
    """A UTC date and time as a reader of `language` writes it; an empty string for None."""
    if value is None:
        return ""
    value = as_utc(value)
    if language == "fr":
        return value.strftime("%d/%m/%Y %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M UTC")


def format_day(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    value = as_utc(value)
    return value.strftime("%d/%m/%Y") if language == "fr" else value.strftime("%Y-%m-%d")
