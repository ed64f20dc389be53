using System;
using System.IO;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace Pmem.Bench;

/// <summary>
/// The hot paths whose allocations must be zero, for BenchmarkDotNet's <c>MemoryDiagnoser</c>: the pointer API
/// (<see cref="PersistentMemory"/>) and the checked <see cref="PmemMapping"/> API on a /dev/shm file forced to pmem.
/// </summary>
[MemoryDiagnoser]
public unsafe class HotPathBenchmarks
{
    private const int MappingLength = 4 << 20;

    private IDisposable _scope = null!;
    private PmemMapping _mapping = null!;
    private byte* _pmem;
    private byte* _source;
    private byte[] _managedSource = null!;

    /// <summary>Maps a 4 MiB /dev/shm file under <c>PMEM_IS_PMEM_FORCE=1</c> semantics.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scope = PmemOptions.Use(PmemOptions.FromEnvironment with { IsPmemForce = true });
        string path = Path.Combine("/dev/shm", $"pmem-bdn-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _mapping = PmemFile.Map(path, MappingLength, PmemFileFlags.Create | PmemFileFlags.Exclusive, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Delete(path);
        _pmem = (byte*)_mapping.Address;
        _source = (byte*)NativeMemory.AlignedAlloc(4096, 64);
        NativeMemory.Fill(_source, 4096, 0x5A);
        _managedSource = new byte[4096];
    }

    /// <summary>Unmaps and frees.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _mapping.Dispose();
        NativeMemory.AlignedFree(_source);
        _scope.Dispose();
    }

    /// <summary><c>PersistentMemory.Persist</c> of one line.</summary>
    [Benchmark]
    public void Persist64()
    {
        _pmem[0]++;
        PersistentMemory.Persist(_pmem, 64);
    }

    /// <summary><c>PersistentMemory.Flush</c> of 4 KiB then <c>Drain</c>.</summary>
    [Benchmark]
    public void Flush4KiBDrain()
    {
        PersistentMemory.Flush(_pmem, 4096);
        PersistentMemory.Drain();
    }

    /// <summary><c>PersistentMemory.Flush</c> of 1 MiB (chunked stub calls) then <c>Drain</c>.</summary>
    [Benchmark]
    public void Flush1MiBDrain()
    {
        PersistentMemory.Flush(_pmem, 1 << 20);
        PersistentMemory.Drain();
    }

    /// <summary><c>PersistentMemory.MemcpyPersist</c> of 4 KiB.</summary>
    [Benchmark]
    public void MemcpyPersist4KiB() => PersistentMemory.MemcpyPersist(_pmem + 8192, _source, 4096);

    /// <summary><c>PersistentMemory.MemmovePersist</c>, 4 KiB overlapping.</summary>
    [Benchmark]
    public void MemmovePersist4KiB() => PersistentMemory.MemmovePersist(_pmem + 16384 + 64, _pmem + 16384, 4096);

    /// <summary><c>PersistentMemory.MemsetPersist</c> of 4 KiB.</summary>
    [Benchmark]
    public void MemsetPersist4KiB() => PersistentMemory.MemsetPersist(_pmem + 32768, 0x33, 4096);

    /// <summary><c>PmemMapping.Persist</c> of one line.</summary>
    [Benchmark]
    public void MappingPersist64() => _mapping.Persist(0, 64);

    /// <summary><c>PmemMapping.Copy</c> of a 4 KiB managed array.</summary>
    [Benchmark]
    public void MappingCopy4KiB() => _mapping.Copy(65536, _managedSource);
}
