#!/bin/sh
# The image's entry point: `dotnet DetainerGraph.dll` with the container's arguments (none serves; a command runs it).
# The import command is a batch job, not a server: it starts its hot code (parsing, SQLite, the search indexer)
# once and runs it for seconds to minutes, so it skips the JIT's instrumented tier, counts calls from the start and
# compiles again only methods called 4,096 times (DOTNET_TieredPGO=0, DOTNET_TC_CallCountingDelayMs=0,
# DOTNET_TC_CallCountThreshold=1000, read as hexadecimal; README "Commands" has what each saves).
# The server keeps the runtime's defaults, whose profile-guided code it runs for days. A value set on the
# container (docker run -e ...) wins.
if [ "$1" = "import" ]; then
    export DOTNET_TieredPGO="${DOTNET_TieredPGO:-0}"
    export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-0}"
    export DOTNET_TC_CallCountThreshold="${DOTNET_TC_CallCountThreshold:-1000}"
fi
# exec: the program is PID 1 and receives SIGTERM from `docker stop` itself.
exec dotnet /app/DetainerGraph.dll "$@"
