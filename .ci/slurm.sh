#!/usr/bin/env bash
# CI: run the default workflow on a real single-node SLURM cluster through profiles/slurm.
#
# Installs Debian's slurm-wlm and munge, writes a single-node /etc/slurm/slurm.conf for this
# machine (removed again at the end), starts munged, slurmctld and slurmd with their state in a
# scratch folder, and runs the workflow through `--profile profiles/slurm` in one scratch copy of
# the repository and with `--cores 2` in another. Then checks that every non-local job went through
# sbatch and that SLURM saw it complete in the partition and account set in the profile, and that
# every result table is byte-identical between the two runs. Stops what it started, by process ID,
# whatever happens.
#
# Usage (as root): bash .ci/slurm.sh [SNAKEMAKE ARGUMENT...]
#   The arguments go to both runs: targets (none: the whole default workflow), `--config ...`.
# Environment: INTERPLAY_VENV, the virtualenv with requirements-dev.txt installed (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
venv=$(realpath "${INTERPLAY_VENV:-.venv}")
snakemake_args=("$@")

# The partition and account CI sets in the copy's profile, the way a user sets theirs. The
# cluster's default partition is another one, so jobs landing in this one show that the profile's
# settings reached sbatch. (Without an accounting database SLURM accepts any account name.)
partition=interplay
account=interplay-ci
workflow_timeout=1200  # seconds for one snakemake run
daemon_timeout=30      # seconds for a daemon to come up, or for a process or job to go away

scratch=$(mktemp -d /tmp/interplay-slurm.XXXXXX)
chmod 755 "$scratch"   # munged requires every directory above its socket to be searchable
mkdir -m 700 "$scratch/munge"
mkdir -m 755 "$scratch/run" "$scratch/log" "$scratch/state" "$scratch/spool"
# Debian's default path: the daemons, the client commands and `srun` inside jobs (which runs
# without SLURM_CONF: the jobstep plugin clears SLURM_* variables) all read it from there.
slurm_conf=/etc/slurm/slurm.conf
conf_marker="# interplay CI cluster (.ci/slurm.sh); removed when the script ends"
wrote_conf=false
munge_socket="$scratch/run/munge.socket"
daemon_names=()
daemon_pids=()
run_names=()   # the snakemake runs while they run
run_pids=()

say() { echo "== slurm: $*"; }
fail() { echo "== slurm: FAILED: $*" >&2; exit 1; }

poll() {
  # Run a command once a second until it succeeds, for at most the given number of seconds.
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}

wait_until() {
  # Poll a command until it succeeds; fail after the given number of seconds.
  local description=$1 seconds=$2
  shift 2
  poll "$seconds" "$@" || fail "$description not reached within ${seconds}s"
}

start_daemon() {
  # Start a daemon in the foreground of a background job and remember its PID.
  local name=$1
  shift
  "$@" >"$scratch/log/$name.out" 2>&1 &
  daemon_names+=("$name")
  daemon_pids+=($!)
  say "started $name (pid $!)"
}

process_gone() { ! kill -0 "$1"; }

stop_process() {
  # SIGTERM to one of our child processes; SIGKILL to it and its children if it outlives that.
  local name=$1 pid=$2 child
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! poll "$daemon_timeout" process_gone "$pid"; then
    echo "== slurm: $name (pid $pid) ignored SIGTERM; killing it" >&2
    for child in $(pgrep -P "$pid"); do kill -KILL "$child" 2>/dev/null || true; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  say "stopped $name (pid $pid)"
}

no_active_jobs() { [ -z "$(squeue -h -t PD,CF,R,S,CG -o %i)" ]; }

stop_everything() {
  # The snakemake runs (the SLURM one cancels its jobs), any job left on our cluster, then our
  # daemons, newest first, each by its PID.
  local index
  for index in "${!run_pids[@]}"; do stop_process "${run_names[index]}" "${run_pids[index]}"; done
  if [ "${#daemon_pids[@]}" -gt 1 ]; then   # slurmctld is up
    timeout 10 squeue -h -o %i 2>/dev/null | xargs -r timeout 10 scancel 2>/dev/null || true
    poll "$daemon_timeout" no_active_jobs || echo "== slurm: jobs still active on the cluster" >&2
  fi
  for ((index = ${#daemon_pids[@]} - 1; index >= 0; index--)); do
    stop_process "${daemon_names[index]}" "${daemon_pids[index]}"
  done
}

print_logs() {
  # What tells why a run failed: the daemons' and runs' logs, and the logs of failed SLURM jobs.
  local log
  for log in "$scratch"/log/* "$scratch"/*/.snakemake/slurm_logs/**/*.log; do
    [ -s "$log" ] || continue
    echo "---- $log (last 60 lines)" >&2
    tail -n 60 "$log" >&2
  done
}

on_exit() {
  local status=$?
  trap - EXIT
  [ "$status" -eq 0 ] || print_logs
  stop_everything
  if $wrote_conf; then rm -f "$slurm_conf"; fi
  if [ "$status" -eq 0 ]; then
    rm -rf "$scratch"
  else
    echo "== slurm: FAILED (exit $status); scratch folder kept: $scratch" >&2
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM
shopt -s globstar nullglob

[ "$(id -u)" -eq 0 ] || fail "run as root (installs packages and starts slurmd)"
[ -x "$venv/bin/snakemake" ] || fail "no snakemake in $venv: install requirements-dev.txt there"
"$venv/bin/python" -c "import snakemake_executor_plugin_slurm" 2>/dev/null ||
  fail "snakemake-executor-plugin-slurm is not installed in $venv (requirements.txt pins it)"

say "installing slurm-wlm and munge"
install_packages() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge \
    >"$scratch/log/apt.out" 2>&1
}
install_packages || { apt-get update -qq && install_packages; }
slurmctld -V

say "configuring a single-node cluster from this machine's CPUs and memory"
host=$(hostname -s)
# `slurmd -C` prints this machine's node line (CPUs, sockets, cores, threads, RealMemory in MB).
node_hardware=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')
read -r controller_port node_port < <("$venv/bin/python" -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')
if [ -e "$slurm_conf" ] && [ "$(head -n 1 "$slurm_conf")" != "$conf_marker" ]; then
  fail "$slurm_conf exists and is not ours: this machine has a SLURM setup; not overwriting it"
fi
wrote_conf=true
cat >"$slurm_conf" <<EOF
$conf_marker
ClusterName=interplay-ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/run/slurmctld.pid
SlurmdPidFile=$scratch/run/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Finished jobs stay visible to squeue (the status command without accounting) this long: past
# the end of the run, so that the check below finds every job in SLURM's own record.
MinJobAge=$((2 * workflow_timeout))
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 $node_hardware State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
PartitionName=$partition Nodes=ALL MaxTime=INFINITE State=UP
EOF
sed 's/^/    /' "$slurm_conf"

say "starting munged, slurmctld and slurmd"
head -c 1024 /dev/urandom >"$scratch/munge/munge.key"
chmod 400 "$scratch/munge/munge.key"
start_daemon munged munged --foreground --key-file="$scratch/munge/munge.key" \
  --socket="$munge_socket" --pid-file="$scratch/run/munged.pid" \
  --seed-file="$scratch/munge/munged.seed" --log-file=/dev/null
munge_works() { munge -S "$munge_socket" -n | unmunge -S "$munge_socket"; }
wait_until "munged answering" "$daemon_timeout" munge_works
start_daemon slurmctld slurmctld -D
wait_until "slurmctld answering" "$daemon_timeout" scontrol ping
start_daemon slurmd slurmd -D
node_idle() { [ "$(sinfo -h -n "$host" -o %T | sort -u)" = idle ]; }
wait_until "node $host idle" "$daemon_timeout" node_idle
sinfo

say "workflow copies: $scratch/on-slurm and $scratch/local"
for copy in on-slurm local; do
  mkdir "$scratch/$copy"
  cp -r "$repo"/{Snakefile,config.yaml,workflow,resources,envs,profiles} "$scratch/$copy"/
done
set_in_profile() {
  # Set one default resource in the SLURM copy's profile, as its comment tells a user to.
  local profile="$scratch/on-slurm/profiles/slurm/config.yaml"
  sed -i "s/^\(\s*$1:\).*/\1 $2/" "$profile"
  grep -q "^\s*$1: $2\$" "$profile" || fail "profiles/slurm/config.yaml has no '$1:' line"
}
set_in_profile slurm_partition "$partition"
set_in_profile slurm_account "$account"

start_run() {
  # One bounded snakemake run in a copy, in the background; its output goes to a log file.
  local copy=$1
  shift
  (cd "$scratch/$copy" &&
    exec timeout --kill-after=20 "$workflow_timeout" "$venv/bin/snakemake" "$@" \
      ${snakemake_args[@]+"${snakemake_args[@]}"} >"$scratch/log/snakemake-$copy.log" 2>&1) &
  run_names+=("snakemake in $copy")
  run_pids+=($!)
}

say "running the workflow on SLURM, and locally with --cores 2 at the same time"
started=$SECONDS
# squeue: this cluster has no accounting database, so sacct cannot report job states.
start_run on-slurm --profile profiles/slurm --slurm-status-command squeue \
  --slurm-init-seconds-before-status-checks 2
start_run local --cores 2
slurm_status=0
wait "${run_pids[0]}" || slurm_status=$?
local_status=0
wait "${run_pids[1]}" || local_status=$?
run_names=()
run_pids=()
say "both runs finished after $((SECONDS - started))s"
[ "$slurm_status" -eq 0 ] || fail "the SLURM run exited with $slurm_status"
[ "$local_status" -eq 0 ] || fail "the local run exited with $local_status"

say "every non-local job went through sbatch"
slurm_log="$scratch/log/snakemake-on-slurm.log"
grep -E "has been submitted with SLURM jobid|^Finished jobid" "$slurm_log"
remote_jobs=$(grep -c "^rule " "$slurm_log" || true)
submitted_ids=$(sed -n 's/.*has been submitted with SLURM jobid \([0-9]*\).*/\1/p' "$slurm_log")
submitted=$(echo "$submitted_ids" | grep -c . || true)
[ "$remote_jobs" -gt 0 ] || fail "no job ran on SLURM"
[ "$submitted" -eq "$remote_jobs" ] ||
  fail "$remote_jobs non-local jobs but $submitted sbatch submissions"
say "SLURM's own record of those jobs (squeue -t all: id partition account state start end name):"
squeue -h -t all -j "$(echo "$submitted_ids" | paste -sd,)" -o "%i %P %a %T %S %e %k" |
  tee "$scratch/jobs.txt"
[ "$(grep -c . "$scratch/jobs.txt")" -eq "$submitted" ] || fail "SLURM does not list every job"
awk -v p="$partition" -v a="$account" '$2 != p || $3 != a || $4 != "COMPLETED" {bad = 1}
  END {exit bad}' "$scratch/jobs.txt" || fail "a job did not complete in $partition for $account"
say "$submitted of $remote_jobs non-local jobs went through sbatch and COMPLETED" \
  "in partition $partition for account $account"

say "result tables, byte for byte: SLURM run vs local run"
result_tables() { (cd "$1" && printf '%s\n' results/tables/*.tsv results/analyses/*/*.tsv); }
tables=$(result_tables "$scratch/local")
[ -n "$tables" ] || fail "the local run wrote no result table"
if [ "$tables" != "$(result_tables "$scratch/on-slurm")" ]; then
  diff <(echo "$tables") <(result_tables "$scratch/on-slurm") >&2 || true
  fail "the two runs wrote different sets of result tables"
fi
differ=0
for table in $tables; do
  if cmp -s "$scratch/local/$table" "$scratch/on-slurm/$table"; then
    echo "identical  $table"
  else
    echo "DIFFERENT  $table" >&2
    differ=1
  fi
done
[ "$differ" -eq 0 ] || fail "result tables differ between the SLURM and the local run"
say "$(echo "$tables" | wc -w) result tables identical; SLURM CI took ${SECONDS}s"
