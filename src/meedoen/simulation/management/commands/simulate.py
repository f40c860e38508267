"""`manage.py simulate`: the policy simulator on the command line.

    manage.py simulate --profile rotterdam --compare amsterdam,utrecht --residents 40000 --months 120 --runs 100
    manage.py simulate --municipality 0599 --residents 40000 --months 48 --runs 20 --json out.json
    manage.py simulate --residents 450000 --months 120 --runs 100 --workers 2
    manage.py simulate --calibrate            # fit the behavioural parameters to DESIGN §5 and store them
    manage.py simulate --rotterdam-table      # the §5 table: published next to simulated
"""
import json
import time

from django.core.management.base import BaseCommand, CommandError

from meedoen.organisation.models import Municipality
from meedoen.simulation import calibration
from meedoen.simulation import population as pop
from meedoen.simulation import services


def _fmt(value):
    return f"{value:,.0f}".replace(",", ".") if abs(value) >= 100 else f"{value:.2f}".replace(".", ",")


class Command(BaseCommand):
    help = ("Simuleer de bevolking van een gemeente maand voor maand onder een of meer beleidsprofielen, met "
            "onzekerheidsbanden uit vele runs.")

    def add_arguments(self, parser):
        parser.add_argument("--profile", "--preset", dest="profile", default="rotterdam",
                            help="Beleidsprofiel om te simuleren (sleutel, bijv. rotterdam).")
        parser.add_argument("--compare", default="", help="Meer profielen naast elkaar, met komma's: amsterdam,utrecht")
        parser.add_argument("--residents", type=int, default=None,
                            help="Aantal inwoners (synthetisch; met --municipality: herschaald naar dit aantal).")
        parser.add_argument("--municipality", default=None,
                            help="Gebruik de inwoners van deze gemeente uit de database (CBS-code of naam).")
        parser.add_argument("--months", type=int, default=120)
        parser.add_argument("--runs", type=int, default=100)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--workers", type=int, default=1, help="Parallelle processen (runs zijn onafhankelijk).")
        parser.add_argument("--fixed", action="store_true",
                            help="Geen onzekerheid in de gedragsparameters (alleen toeval in de overgangen).")
        parser.add_argument("--json", dest="json_path", default=None,
                            help="Schrijf de reeksen met banden naar dit bestand.")
        parser.add_argument("--calibrate", action="store_true",
                            help="Pas de gedragsparameters aan op de Rotterdamse cijfers (DESIGN §5) en sla ze op.")
        parser.add_argument("--rotterdam-table", action="store_true",
                            help="Toon de tabel van DESIGN §5: gepubliceerd naast gesimuleerd.")

    def handle(self, *args, profile, compare, residents, municipality, months, runs, seed, workers, fixed,
               json_path, calibrate, rotterdam_table, **options):
        if months < 1 or runs < 1 or (residents is not None and residents < 1) or workers < 1:
            raise CommandError("Maanden, runs, inwoners en workers moeten minstens 1 zijn.")
        keys = [profile] + [k.strip() for k in compare.split(",") if k.strip()]
        known = {key for key, _name in services.available_profiles()}
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise CommandError(f"Onbekend beleidsprofiel: {', '.join(unknown)}. Kies uit: {', '.join(sorted(known))}.")
        place = None
        if municipality:
            place = (Municipality.objects.filter(code=municipality).first()
                     or Municipality.objects.filter(name__iexact=municipality).first())
            if place is None:
                raise CommandError(f"Gemeente '{municipality}' staat niet in de database.")

        if calibrate:
            return self._calibrate(seed=seed or 2014, residents=residents or 40_000)
        if rotterdam_table:
            return self._table(place, residents or 40_000, runs=min(runs, 20), seed=seed or 2015)

        started = time.perf_counter()
        population = services.build_population(residents=residents, municipality=place, seed=seed)
        self.stdout.write(f"Bevolking: {population.source}; {months} maanden, {runs} runs, seed {seed}, "
                          f"profielen: {', '.join(keys)}")
        comparison = services.run(keys, population, months=months, runs=runs, seed=seed, uncertain=not fixed,
                                  workers=workers)
        seconds = time.perf_counter() - started
        work = len(population) * months * runs * len(keys)
        self.stdout.write(f"Klaar in {seconds:.1f} s ({work / seconds:,.0f} inwonermaanden per seconde)."
                          .replace(",", "."))
        self._print_summary(comparison)
        if json_path:
            with open(json_path, "w") as handle:
                json.dump(services.as_data(comparison), handle, ensure_ascii=False, indent=1)
            self.stdout.write(f"Reeksen met banden geschreven naar {json_path}.")

    def _print_summary(self, comparison):
        names = [r.profile_key for r in comparison.results]
        self.stdout.write("")
        self.stdout.write(f"{'uitkomst (mediaan, 90 %-band)':<52}" + "".join(f"{n:>30}" for n in names))
        for row in services.summary(comparison):
            cells = "".join(f"{_fmt(v['p50']) + ' (' + _fmt(v['p5']) + '–' + _fmt(v['p95']) + ')':>30}"
                            for v in row["values"])
            self.stdout.write(f"{row['label']:<52}{cells}")

    def _calibrate(self, *, seed, residents):
        population = pop.synthetic(residents, seed=seed)
        self.stdout.write(f"Kalibreren op {population.source}, profiel rotterdam, {calibration.MONTHS} maanden ...")
        result = calibration.calibrate(population, seed=seed, runs=8, max_iter=30, log=self.stdout.write)
        calibration.save(result, population.source, 8, seed)
        self._print_fit(result["report"])
        self.stdout.write(f"Opgeslagen in {calibration.A.CALIBRATED_FILE}.")

    def _table(self, place, residents, *, runs, seed):
        population = services.build_population(residents=residents, municipality=place, seed=seed)
        profile = services.profile_settings("rotterdam") | {"key": "rotterdam"}
        figures = calibration.simulate_figures(population, profile, runs=runs, seed=seed)
        group = f"{calibration.GROUP:,}".replace(",", ".")
        self.stdout.write(f"DESIGN §5 (Rotterdam, eind 2017) tegen de simulatie op {population.source}, "
                          f"{calibration.MONTHS} maanden, {runs} runs, geschaald naar {group} in de "
                          f"activeringsgroep; tolerantie ±{calibration.TOLERANCE:.0%}")
        self._print_fit(calibration.fit_report(figures))

    def _print_fit(self, rows):
        self.stdout.write(f"{'cijfer':<54}{'gepubliceerd':>14}{'gesimuleerd':>14}{'afwijking':>11}")
        for row in rows:
            mark = "ok" if row["within_tolerance"] else "BUITEN TOLERANTIE"
            self.stdout.write(f"{row['label']:<54}{_fmt(row['published']):>14}{_fmt(row['simulated']):>14}"
                              f"{row['relative_error']:>+10.1%}  {mark}")


