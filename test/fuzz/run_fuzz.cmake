# fuzz.<target>: run FUZZER for SECONDS over a fresh copy of SEEDS in WORK
# (never the source tree); fail, printing what it found in hex, on any
# crash, sanitizer report, leak, timeout or out-of-memory.
foreach(v FUZZER SEEDS WORK SECONDS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_fuzz.cmake: -D${v}= missing")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB seeds ${SEEDS}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${WORK}/corpus)
endif()
execute_process(COMMAND ${FUZZER} -max_total_time=${SECONDS}
    -rss_limit_mb=1024 -timeout=10 -print_final_stats=1
    -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB found ${WORK}/artifacts/*)
  foreach(f ${found})
    file(READ ${f} hex HEX)
    message("${f}:\n${hex}")
  endforeach()
  message(FATAL_ERROR "${FUZZER} found something (exit ${rc}); "
    "the input is in ${WORK}/artifacts, see test/fuzz/README.md")
endif()
