using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pmem.Bench;

/// <summary>
/// What .NET offers without Pmem: <see cref="System.IO.MemoryMappedFiles.MemoryMappedViewAccessor.Flush"/> (msync of
/// the whole view) after writing through the view, plain copies and fills with no durability, and a C# NT-store loop.
/// </summary>
internal static unsafe class DotNetRows
{
    public static void Register(Registry r)
    {
        r.Add(Names.MemoryMapped, Role.Reference, OperationKind.Persist, Loop.Run<ViewPersist>);
        r.Add(Names.MemoryMapped, Role.Reference, OperationKind.MemcpyPersist, Loop.Run<ViewCopy>);
        r.Add(Names.MemoryMapped, Role.Reference, OperationKind.MemmovePersist, Loop.Run<ViewMove>);
        r.Add(Names.MemoryMapped, Role.Reference, OperationKind.MemsetPersist, Loop.Run<ViewFill>);
        r.Add(Names.MemoryMapped, Role.Reference, OperationKind.MsyncDisk, Loop.Run<ViewPersist>);
        r.Add(Names.MemoryMapped, Role.Reference, OperationKind.ScatteredWrites, Loop.Run<ViewScattered>);

        r.Add(Names.BufferCopy, Role.Reference, OperationKind.MemcpyPersist, Loop.Run<PlainCopy>);
        r.Add(Names.BufferCopy, Role.Reference, OperationKind.MemmovePersist, Loop.Run<PlainMove>);
        r.Add(Names.SpanFill, Role.Reference, OperationKind.MemsetPersist, Loop.Run<PlainFill>);

        r.Add(Names.NtStoreCSharp, Role.Ceiling, OperationKind.MemcpyPersist, Loop.Run<NtStore>);
        r.Add(Names.NtStoreCSharp, Role.Ceiling, OperationKind.MemmovePersist, Loop.Run<NtStore>);
        r.Add(Names.NtStoreCSharp, Role.Ceiling, OperationKind.MemsetPersist, Loop.Run<NtStore>);
    }

    private struct ViewPersist : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Loop.DirtyLines(v, n, i);
            c.Accessor.Flush();
        }
    }

    private struct ViewCopy : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Buffer.MemoryCopy(s, v, n, n);
            c.Accessor.Flush();
        }
    }

    private struct ViewMove : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            Buffer.MemoryCopy(v, v + 64, n, n);
            c.Accessor.Flush();
        }
    }

    private struct ViewFill : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            NativeMemory.Fill(v, n, (byte)i);
            c.Accessor.Flush();
        }
    }

    private struct ViewScattered : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            nuint* offsets = c.ScatterOffsets;
            for (int k = 0; k < c.ScatterCount; k++)
            {
                *(ulong*)(v + offsets[k]) = (ulong)i;
            }

            c.Accessor.Flush();
        }
    }

    private struct PlainCopy : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => Buffer.MemoryCopy(s, d, n, n);
    }

    private struct PlainMove : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => Buffer.MemoryCopy(d, d + 64, n, n);
    }

    private struct PlainFill : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i) => new Span<byte>(d, checked((int)n)).Fill((byte)i);
    }

    /// <summary>Whole 64-byte lines of non-temporal stores (Vector512, else Vector256) and one SFENCE; destination aligned, length a multiple of 64.</summary>
    private struct NtStore : IOperation
    {
        public static void Run(Cell c, nuint o, byte* d, byte* v, byte* s, nuint n, long i)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<byte> x = Vector512.Create((byte)i);
                for (nuint j = 0; j < n; j += 64)
                {
                    x.StoreAlignedNonTemporal(d + j);
                }
            }
            else
            {
                Vector256<byte> x = Vector256.Create((byte)i);
                for (nuint j = 0; j < n; j += 64)
                {
                    x.StoreAlignedNonTemporal(d + j);
                    x.StoreAlignedNonTemporal(d + j + 32);
                }
            }

            Sse.StoreFence();
        }
    }
}
