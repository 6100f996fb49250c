"""A synthetic city at benchmark scale: the area tree, residents, staff and years of cases.

`generate_city` fills the database for the benchmarks in bench/. It builds on
the demo city's pieces (population.py for villagers, casework.py for case
timelines) and differs in how it writes: COPY on PostgreSQL, with the
encryption and row formatting spread over worker processes.
"""
