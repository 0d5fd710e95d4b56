from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from bench import harness


class Command(BaseCommand):
    help = "Benchmark the main pages and bulk jobs on a throwaway database; report to var/bench/."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=harness.SCALES, default="full")
        parser.add_argument("--universities", type=Path, default=harness.UNIVERSITIES)
        parser.add_argument("--output", type=Path, default=settings.VAR_DIR / "bench")
        parser.add_argument(
            "--only", choices=["admin"], help="load the data, then time only these pages (admin: the admin's pages)"
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the loaded data in a database of its own; the next run with --keep starts from a copy of it",
        )

    def handle(self, *args, scale, universities, output, only, keep, **options):
        report = harness.benchmark(scale, universities, only=only, keep=keep)
        self.stdout.write(harness.write_report(report, output))
        self.stdout.write(f"Written to {output / 'report.md'} and report.json")
