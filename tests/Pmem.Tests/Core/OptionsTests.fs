/// libpmem's environment variables read with libpmem's exact rules.
module Pmem.Tests.OptionsTests

open System
open Expecto
open Pmem
open Pmem.Tests.TestDsl

let private parse (vars: (string * string) list) = PmemOptions.Parse(dict vars |> Collections.Generic.Dictionary)

/// (variable, value, what the parsed options must say)
let private table: (string * string * (PmemOptions -> bool)) list =
    [ "PMEM_IS_PMEM_FORCE", "1", (fun o -> o.IsPmemForce = Nullable true)
      "PMEM_IS_PMEM_FORCE", "0", (fun o -> o.IsPmemForce = Nullable false)
      "PMEM_IS_PMEM_FORCE", " 1", (fun o -> o.IsPmemForce = Nullable true) // atoi skips white space
      "PMEM_IS_PMEM_FORCE", "1abc", (fun o -> o.IsPmemForce = Nullable true) // atoi stops at the first non-digit
      "PMEM_IS_PMEM_FORCE", "yes", (fun o -> o.IsPmemForce = Nullable false) // atoi("yes") = 0: forces false, as in libpmem
      "PMEM_IS_PMEM_FORCE", "true", (fun o -> o.IsPmemForce = Nullable false)
      "PMEM_IS_PMEM_FORCE", "2", (fun o -> not o.IsPmemForce.HasValue)
      "PMEM_IS_PMEM_FORCE", "-1", (fun o -> not o.IsPmemForce.HasValue)
      "PMEM_NO_CLWB", "1", (fun o -> o.NoClwb)
      "PMEM_NO_CLWB", "true", (fun o -> not o.NoClwb)
      "PMEM_NO_CLWB", "yes", (fun o -> not o.NoClwb)
      "PMEM_NO_CLWB", "1 ", (fun o -> not o.NoClwb) // strcmp: exactly "1"
      "PMEM_NO_CLFLUSHOPT", "1", (fun o -> o.NoClflushopt)
      "PMEM_NO_CLFLUSHOPT", "0", (fun o -> not o.NoClflushopt)
      "PMEM_NO_FLUSH", "1", (fun o -> o.NoFlush = Nullable true)
      "PMEM_NO_FLUSH", "0", (fun o -> o.NoFlush = Nullable false)
      "PMEM_NO_FLUSH", "true", (fun o -> not o.NoFlush.HasValue)
      "PMEM_NO_MOVNT", "1", (fun o -> o.NoMovnt)
      "PMEM_NO_MOVNT", "yes", (fun o -> not o.NoMovnt)
      "PMEM_MOVNT_THRESHOLD", "0", (fun o -> o.MovntThreshold = 0L)
      "PMEM_MOVNT_THRESHOLD", "1024", (fun o -> o.MovntThreshold = 1024L)
      "PMEM_MOVNT_THRESHOLD", "  64kb", (fun o -> o.MovntThreshold = 64L) // atoll
      "PMEM_MOVNT_THRESHOLD", "-15", (fun o -> o.MovntThreshold = 256L) // negatives ignored
      "PMEM_MOVNT_THRESHOLD", "abc", (fun o -> o.MovntThreshold = 0L) // atoll("abc") = 0
      "PMEM_MOVNT_THRESHOLD", "99999999999999999999", (fun o -> o.MovntThreshold = Int64.MaxValue) // saturates
      "PMEM_MMAP_HINT", "0x7f0000000000", (fun o -> o.MmapHint = Nullable 0x7f0000000000n)
      "PMEM_MMAP_HINT", "7f0000000000", (fun o -> o.MmapHint = Nullable 0x7f0000000000n)
      "PMEM_MMAP_HINT", "zz", (fun o -> not o.MmapHint.HasValue)
      "PMEM_MMAP_HINT", "", (fun o -> not o.MmapHint.HasValue)
      "PMEM_AVX", "0", (fun o -> not o.Avx)
      "PMEM_AVX", "no", (fun o -> o.Avx)
      "PMEM_AVX512F", "0", (fun o -> not o.Avx512F)
      "PMEM_AVX512F", "1", (fun o -> o.Avx512F)
      "PMEM_MOVDIR64B", "1", (fun o -> o.Movdir64B)
      "PMEM_MOVDIR64B", "0", (fun o -> not o.Movdir64B)
      "PMEM_WC_WORKAROUND", "1", (fun o -> o.WcWorkaround = Nullable true)
      "PMEM_WC_WORKAROUND", "0", (fun o -> o.WcWorkaround = Nullable false)
      "PMEM_WC_WORKAROUND", "on", (fun o -> not o.WcWorkaround.HasValue)
      "PMEM_NO_GENERIC_MEMCPY", "1", (fun o -> o.NoGenericMemcpy)
      "PMEM_NO_GENERIC_MEMCPY", "0", (fun o -> not o.NoGenericMemcpy)
      "PMEM2_FORCE_GRANULARITY", "page", (fun o -> o.ForceGranularity = Nullable PmemGranularity.Page)
      "PMEM2_FORCE_GRANULARITY", "CacheLine", (fun o -> o.ForceGranularity = Nullable PmemGranularity.CacheLine)
      "PMEM2_FORCE_GRANULARITY", "CACHE_LINE", (fun o -> o.ForceGranularity = Nullable PmemGranularity.CacheLine)
      "PMEM2_FORCE_GRANULARITY", "byte", (fun o -> o.ForceGranularity = Nullable PmemGranularity.Byte)
      "PMEM2_FORCE_GRANULARITY", "word", (fun o -> not o.ForceGranularity.HasValue) ]

/// Every environment variable libpmem and libpmem2 read.
let private libpmemVariables =
    [ "PMEM_IS_PMEM_FORCE"; "PMEM_NO_CLWB"; "PMEM_NO_CLFLUSHOPT"; "PMEM_NO_FLUSH"; "PMEM_NO_MOVNT"
      "PMEM_MOVNT_THRESHOLD"; "PMEM_MMAP_HINT"; "PMEM_AVX"; "PMEM_AVX512F"; "PMEM_MOVDIR64B"
      "PMEM_WC_WORKAROUND"; "PMEM_NO_GENERIC_MEMCPY"; "PMEM2_FORCE_GRANULARITY"; "PMEM_LOG_LEVEL"
      "PMEM_LOG_FILE" ]

/// (text, glibc's atoll of it): white space, signs, trailing junk, saturation.
let private atollCases =
    [ "42", 42L; "  -7x", -7L; "+3", 3L; "", 0L; "-", 0L; "9223372036854775808", Int64.MaxValue
      "-9223372036854775809", Int64.MinValue ]

/// (text, whether strtoull in base 16 accepts it, its value): the 0x prefix, case, overflow.
let private strtoullHexCases =
    [ "ff", true, 255UL; "0x10", true, 16UL; "  0X1f", true, 31UL; "0x", true, 0UL; "g", false, 0UL
      "1ffffffffffffffff", false, 0UL ]

let tests =
    testList
        "Options"
        [ testList
              "parsing"
              [ for name, value, check in table ->
                    testCase $"{name}=\"{value}\"" (fun () ->
                        let o = parse [ name, value ]
                        Expect.isTrue (check o) $"{name}={value} gave %A{o}"
                        Expect.exists o.Notes (fun n -> n.StartsWith name) "the variable is noted") ]

          testCase "no variables gives libpmem's defaults" (fun () ->
              let o = parse []
              o.MovntThreshold =! 256L
              o.IsPmemForce =! Nullable()
              (o.NoClwb, o.NoClflushopt, o.NoMovnt, o.Avx, o.Avx512F, o.Movdir64B) =! (false, false, false, true, true, false)
              o.Notes.Count =! 0
              o =! PmemOptions.Default)

          testList
              "every libpmem variable is known"
              [ for name in libpmemVariables ->
                    testCase name (fun () ->
                        Expect.contains PmemOptions.VariableNames name name
                        Expect.isNonEmpty (parse [ name, "1" ]).Notes $"{name} is noted when set") ]

          testList
              "the C number parsers behave as glibc's"
              [ for text, value in atollCases ->
                    testCase $"atoll \"{text}\" = {value}" (fun () -> CNumberParsing.AtoLL text =! value)
                for text, ok, value in strtoullHexCases ->
                    testCase $"strtoull(\"{text}\", 16) = {ok}, {value}" (fun () ->
                        let parsed, v = CNumberParsing.TryStrtoullHex text
                        (parsed, v) =! (ok, value)) ] ]

let sequencedTests =
    testSequenced (
        testList
            "Options (process-wide)"
            [ testCase "Use applies options and disposing restores the previous ones" (fun () ->
                  let before = PmemOptions.Current
                  let custom = PmemOptions(MovntThreshold = 4242L)
                  do
                      use _ = withOptions custom
                      PmemOptions.Current.MovntThreshold =! 4242L
                      PmemCapabilities.Current.NonTemporalThreshold =! 4242L
                  PmemOptions.Current =! before)

              testCase "nested scopes restore in reverse order" (fun () ->
                  let before = PmemOptions.Current
                  let a = withOptions (PmemOptions(MovntThreshold = 1L))
                  let b = withOptions (PmemOptions(MovntThreshold = 2L))
                  PmemOptions.Current.MovntThreshold =! 2L
                  b.Dispose()
                  PmemOptions.Current.MovntThreshold =! 1L
                  a.Dispose()
                  a.Dispose()
                  PmemOptions.Current =! before) ])
