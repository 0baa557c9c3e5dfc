"""Reading the coalition's real world in: a Backstage catalog (files or REST) and SLOs as code.

Parsers turn files and API pages into the domain's values (`bot.domain.catalog`) and name every
problem by file, document and field; planning what changes is the domain's job.
"""
