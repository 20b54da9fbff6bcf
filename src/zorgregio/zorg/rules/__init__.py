"""The rules of iWmo/iJw 3.2, owned by the care model.

- :mod:`.registry`: every rule of the standard's rule documents for the processed message
  types, with its level, retourcode, effect, Dutch text and how zorgregio applies it.
- :mod:`.elements`: the conditions (CD) and constraints (CS) per data element.
- :mod:`.within`: the technical rules checked within one message.
- :mod:`.lines`: the cross-message rules on one declaration line, as named functions over the
  in-memory indexes (:mod:`zorgregio.zorg.index`), called by :mod:`zorgregio.zorg.apply`.
- :mod:`.cross`: the month-bound rules TR387/TR388 of a product period.
- :mod:`.catalogue`: what the standard's documents list (built by ``tools/build_rules.py``).

``berichten.validation`` runs the rules within the message on the records as they stream from
the parser.
"""
