using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Microsoft.FSharp.Core;
using Pmem.FSharp;

namespace Pmem.Bench;

/// <summary>
/// F# commits (<c>Durable.commit</c> of plans built per operation, and the same blocks committed where they are written
/// with <c>Durable.committing</c>, all in F#: bench/Pmem.Bench.Plans) for BenchmarkDotNet's <c>MemoryDiagnoser</c>:
/// what a commit allocates, per plan shape of "F# commit ÷ hand-written C#". The plans' rows are reported beside the
/// hot paths; the committing rows are part of their zero-allocation check.
/// </summary>
[MemoryDiagnoser]
public class CommitBenchmarks
{
    private const int MappingLength = 4 << 20;

    private IDisposable _scope = null!;
    private PmemMapping _mapping = null!;
    private long[] _offsets = null!;
    private long[] _offsets8 = null!;
    private ReadOnlyMemory<byte> _record;
    private ReadOnlyMemory<byte> _block;

    /// <summary>Maps a 4 MiB /dev/shm file under <c>PMEM_IS_PMEM_FORCE=1</c> semantics.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scope = PmemOptions.Use(PmemOptions.FromEnvironment with { IsPmemForce = true });
        string path = Path.Combine("/dev/shm", $"pmem-bdn-commit-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _mapping = PmemFile.Map(path, MappingLength, PmemFileFlags.Create | PmemFileFlags.Exclusive, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(path);
        _offsets = new long[64];
        for (int k = 0; k < 64; k++)
        {
            _offsets[k] = k * 4096L;
        }

        _offsets8 = _offsets[..8];

        _record = new byte[64];
        _block = new byte[4096];
    }

    /// <summary>Unmaps.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _mapping.Dispose();
        _scope.Dispose();
    }

    /// <summary>One 8-byte write.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommitOne8() => Plans.commitOne(_mapping, 1 << 20, 1);

    /// <summary>Log append: 64 B record, barrier, 8-byte tail.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommitAppend() => Plans.commitAppend(_mapping, (1 << 20) + 64, _record, 1 << 20, 1);

    /// <summary>8 scattered 8-byte writes.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommitScatter8() => Plans.commitScatter(_mapping, 0, _offsets8, 1);

    /// <summary>64 scattered 8-byte writes.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommitScatter64() => Plans.commitScatter(_mapping, 0, _offsets, 1);

    /// <summary>One 4 KiB write.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> Commit4KiB() => Plans.commitCopy(_mapping, 2 << 20, _block);

    /// <summary>One 8-byte write, committed where it is written.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommittingOne8() => Plans.committingOne(_mapping, 1 << 20, 1);

    /// <summary>Log append, committed where it is written.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommittingAppend() => Plans.committingAppend(_mapping, (1 << 20) + 64, _record, 1 << 20, 1);

    /// <summary>8 scattered 8-byte writes, committed where they are written.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommittingScatter8() => Plans.committingScatter(_mapping, 0, _offsets8, 1);

    /// <summary>64 scattered 8-byte writes, committed where they are written.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> CommittingScatter64() => Plans.committingScatter(_mapping, 0, _offsets, 1);

    /// <summary>One 4 KiB write, committed where it is written.</summary>
    [Benchmark]
    public FSharpResult<Unit, PmemError> Committing4KiB() => Plans.committingCopy(_mapping, 2 << 20, _block);
}
