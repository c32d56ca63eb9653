"""What a person reads: report pages, findings, paper tables, methods."""
