"""First contact: what the person who installed the bot reads in their DM."""

from __future__ import annotations

from bot.doc import Bullets, Doc, Heading, Note, Paragraph
from bot.outcome import Post, ToUser


def first_contact(installer_id: str) -> Post:
    """A short "how to start", sent once to whoever installed the bot in a workspace."""
    doc = Doc(
        fallback=(
            "Thanks for installing SRE Coach. To start: invite @coach to your coalition's "
            "channel, then type /sre join lead there."
        ),
        parts=(
            Heading("SRE Coach is installed"),
            Paragraph("Thanks for adding me. Two steps to start your coalition:"),
            Bullets(
                (
                    "Invite me to the channel your coalition works in: `/invite @coach`.",
                    "In that channel, type `/sre join lead`; the others join with `/sre join`.",
                )
            ),
            Note("`/sre help` shows every command. My Home tab shows where your rollout stands."),
        ),
    )
    return Post(ToUser(installer_id), doc)
