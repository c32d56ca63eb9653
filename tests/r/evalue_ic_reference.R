# Reference E-values for tests/test_evalue_interaction.py: EValue's evalues.IC (vendored in
# evalue_ic.R) for each case of a CSV, and the same bias factor solved exactly. evalues.IC finds
# the bias factor with optimize() at its default tolerance (~1e-4 on the bias factor); the
# "exact" columns solve the package's own RDt_bound for 0 with uniroot(tol = 1e-14) instead.
# Usage: Rscript evalue_ic_reference.R <cases.csv> <output.csv>
args <- commandArgs(trailingOnly = TRUE)
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(here, "evalue_ic.R"))
cases <- read.csv(args[1])
exact_bias <- function(case, column) {
  moved <- function(bias) {
    bound <- suppressMessages(RDt_bound(
      p1_1 = case$p1_1, p1_0 = case$p1_0, n1_1 = case$n1_1, n1_0 = case$n1_0,
      f1 = case$n1_1 / (case$n1_1 + case$n1_0), maxB_1 = bias, biasDir_1 = "positive",
      p0_1 = case$p0_1, p0_0 = case$p0_0, n0_1 = case$n0_1, n0_0 = case$n0_0,
      f0 = case$n0_1 / (case$n0_1 + case$n0_0), maxB_0 = bias, biasDir_0 = "negative",
      alpha = case$alpha
    ))
    bound[[column]][bound$stratum == "effectMod"]
  }
  if (moved(1) <= 0) return(1)
  upper <- 3
  while (moved(upper) > 0) upper <- upper * 1.5
  uniroot(moved, c(1, upper), tol = 1e-14)$root
}
package_evalue <- function(case, stat) {
  suppressMessages(evalues.IC(
    stat = stat, p1_1 = case$p1_1, p1_0 = case$p1_0, n1_1 = case$n1_1, n1_0 = case$n1_0,
    f1 = case$n1_1 / (case$n1_1 + case$n1_0), p0_1 = case$p0_1, p0_0 = case$p0_0,
    n0_1 = case$n0_1, n0_0 = case$n0_0, f0 = case$n0_1 / (case$n0_1 + case$n0_0),
    alpha = case$alpha
  ))$evalues$evalue
}
rows <- lapply(seq_len(nrow(cases)), function(i) {
  case <- cases[i, ]
  data.frame(
    package_evalue = package_evalue(case, "est"),
    package_evalue_ci = package_evalue(case, "CI"),
    exact_evalue = g(exact_bias(case, "RD")),
    exact_evalue_ci = g(exact_bias(case, "lo"))
  )
})
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
