"""The authoring side: question banks read from YAML, strictly, into immutable models.

- ``reader``: strict YAML (no tags, anchors, aliases, duplicate keys or YAML 1.1 surprises),
  with the line and column of every value;
- ``models``: the pydantic models of the format (``Bank``, ``Quiz``, ``Pool``, ...);
- ``checks``: cross-references (ids, tags, draws) between questions and quizzes;
- ``loader``: ``load_bank_file`` / ``load_bank_bytes``: all of the above, every problem at
  once as ``BankError(problems)``, each problem at file:line:column;
- ``schema``: the JSON Schema of the format, generated from the models.

Nothing here imports Flask or the database. The package ``__init__`` imports nothing either:
``quizapp.qtypes`` imports ``quizapp.bank.scalars``, and ``quizapp.bank.models`` imports
``quizapp.qtypes``, so eager imports here would make a cycle.
"""
