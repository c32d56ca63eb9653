# How R reads our tables, for tests/test_tables.py: each file with read.delim (.tsv, .tsv.gz) or
# read.csv (.csv, .csv.gz) at their defaults, one row per column with the class R gave it and how
# many of its cells are missing, empty text or the text "NA".
# Usage: Rscript read_tables.R <output.csv> <table> [<table> ...]
args <- commandArgs(trailingOnly = TRUE)
rows <- lapply(args[-1], function(path) {
  reader <- if (grepl("\\.tsv(\\.gz)?$", path)) read.delim else read.csv
  table <- reader(path, check.names = FALSE)
  data.frame(
    file = rep(path, ncol(table)),
    column = names(table),
    class = vapply(table, function(values) class(values)[1], ""),
    n_missing = vapply(table, function(values) sum(is.na(values)), 0L),
    n_empty_text = vapply(table, function(values) sum(values %in% "" & is.character(values)), 0L),
    n_na_text = vapply(table, function(values) sum(values %in% "NA" & is.character(values)), 0L)
  )
})
write.csv(do.call(rbind, rows), args[1], row.names = FALSE)
