using System;
using System.Runtime.InteropServices;

namespace Pmem.Bench.Native;

/// <summary>
/// The compiled C peer (<c>bench/peer/pmem_peer.c</c>): one native call runs a whole batch, the loop in C, calling
/// libpmem as a C program does. Each batch function returns the offset the next batch starts at.
/// </summary>
internal sealed unsafe class PeerLibrary
{
    private PeerLibrary(nint handle, string path)
    {
        Path = path;
        Persist = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_persist");
        FlushDrain = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_flush_drain");
        Msync = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_msync");
        MemcpyPersist = (delegate* unmanaged<byte*, nuint, nuint, nuint, byte*, nuint, long, nuint>)Export(handle, "peer_memcpy_persist");
        MemmovePersist = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_memmove_persist");
        MemsetPersist = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_memset_persist");
        ScatteredPersistEach = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint*, int, long, nuint>)Export(handle, "peer_scattered_persist_each");
        ScatteredFlushEachDrain = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint*, int, long, nuint>)Export(handle, "peer_scattered_flush_each_drain");
        NtStore = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_nt_store");
        NtCopy = (delegate* unmanaged<byte*, nuint, nuint, nuint, byte*, nuint, long, nuint>)Export(handle, "peer_nt_copy");
        NtMoveBack = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_nt_move_back");
        NtStore2 = (delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint>)Export(handle, "peer_nt_store_2t");
        NtCopy2 = (delegate* unmanaged<byte*, nuint, nuint, nuint, byte*, nuint, long, nuint>)Export(handle, "peer_nt_copy_2t");

        var apiVersion = (delegate* unmanaged<int>)Export(handle, "peer_api_version");
        var checkVersion = (delegate* unmanaged<byte*>)Export(handle, "peer_check_version");
        var ceilingWidth = (delegate* unmanaged<int>)Export(handle, "peer_ceiling_width");
        _isPmem = (delegate* unmanaged<void*, nuint, int>)Export(handle, "peer_is_pmem");
        int v = apiVersion();
        ApiVersion = $"{v / 1000}.{v % 1000}";
        VersionProblem = Marshal.PtrToStringUTF8((nint)checkVersion());
        CeilingWidth = ceilingWidth();
    }

    private readonly delegate* unmanaged<void*, nuint, int> _isPmem;

    public string Path { get; }

    /// <summary>The libpmem API version of the header the peer was compiled against (PMEM_MAJOR/MINOR_VERSION).</summary>
    public string ApiVersion { get; }

    /// <summary><c>pmem_check_version</c>'s complaint, or <see langword="null"/> when the loaded library matches.</summary>
    public string? VersionProblem { get; }

    /// <summary>512 when the C ceilings use AVX-512F, 256 for AVX2.</summary>
    public int CeilingWidth { get; }

    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> Persist { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> FlushDrain { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> Msync { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, byte*, nuint, long, nuint> MemcpyPersist { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> MemmovePersist { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> MemsetPersist { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint*, int, long, nuint> ScatteredPersistEach { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint*, int, long, nuint> ScatteredFlushEachDrain { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> NtStore { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, byte*, nuint, long, nuint> NtCopy { get; }
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> NtMoveBack { get; }

    /// <summary>Two threads of non-temporal stores per operation, each on half the range (returns <see cref="nuint.MaxValue"/> if the helper thread cannot start).</summary>
    public delegate* unmanaged<byte*, nuint, nuint, nuint, nuint, long, nuint> NtStore2 { get; }

    /// <summary>Two threads of non-temporal copies per operation, each on half the range (returns <see cref="nuint.MaxValue"/> if the helper thread cannot start).</summary>
    public delegate* unmanaged<byte*, nuint, nuint, nuint, byte*, nuint, long, nuint> NtCopy2 { get; }

    /// <summary><c>pmem_is_pmem</c> from C: shows whether libpmem saw <c>PMEM_IS_PMEM_FORCE</c>.</summary>
    public bool IsPmem(void* addr, nuint length) => _isPmem(addr, length) != 0;

    /// <summary>Loads the compiled peer; libpmem.so.1 is loaded with it.</summary>
    /// <exception cref="DllNotFoundException">The library or libpmem.so.1 cannot be loaded.</exception>
    public static PeerLibrary Load(string path) => new(NativeLibrary.Load(path), path);

    private static void* Export(nint handle, string name) => (void*)NativeLibrary.GetExport(handle, name);
}
