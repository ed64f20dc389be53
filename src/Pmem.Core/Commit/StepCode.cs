namespace Pmem;

/// <summary>
/// A single store that an F# plan holds as data (its operands are the plan's two integers): a scalar of a width, a
/// fill of a byte, a barrier, or the marker of a delayed plan. Shared, immutable instances.
/// </summary>
/// <remarks>
/// <para>Why data: a closure per write cost an allocation (32 bytes) and an indirect call whose speed depends on the
/// JIT having guessed its target; a plan of 64 scattered writes allocated 2 KiB. Held as data, building a write
/// allocates nothing and recording it is a type test and a direct call.</para>
/// <para>Why here, in C#: the instances are <see langword="static readonly"/> fields, which the JIT reads as constants
/// once the class is initialized. An F# <c>static member val</c> is a property with an initialization check that the
/// JIT does not inline into a plan's generator (user code, often compiled without tiering), so every write paid a
/// call.</para>
/// </remarks>
internal sealed class StepCode
{
    private static readonly StepCode[] s_fills = CreateFills();

    private StepCode(CommitStepKind kind, int operand)
    {
        Kind = kind;
        Operand = operand;
    }

    /// <summary>Scalar, Fill or Barrier (Read: the marker of a delayed plan).</summary>
    public CommitStepKind Kind { get; }

    /// <summary>A scalar's width in bytes (1, 2, 4 or 8), or the byte a fill stores.</summary>
    public int Operand { get; }

    /// <summary>A 1-byte scalar.</summary>
    public static readonly StepCode Scalar1 = new(CommitStepKind.Scalar, 1);

    /// <summary>A 4-byte scalar.</summary>
    public static readonly StepCode Scalar4 = new(CommitStepKind.Scalar, 4);

    /// <summary>An 8-byte scalar.</summary>
    public static readonly StepCode Scalar8 = new(CommitStepKind.Scalar, 8);

    /// <summary>An ordering point.</summary>
    public static readonly StepCode Barrier = new(CommitStepKind.Barrier, 0);

    /// <summary>Nothing, then the plan the continuation makes: a delayed plan, told apart without a type test.</summary>
    public static readonly StepCode Delayed = new(CommitStepKind.Read, 1);

    /// <summary>A durable { } block: the plan's code, which takes the journal and records every step into it.</summary>
    public static readonly StepCode Block = new(CommitStepKind.Read, 2);

    /// <summary>A fill with <paramref name="value"/>.</summary>
    public static StepCode Fill(byte value) => s_fills[value];

    private static StepCode[] CreateFills()
    {
        var fills = new StepCode[256];
        for (int value = 0; value < fills.Length; value++)
        {
            fills[value] = new StepCode(CommitStepKind.Fill, value);
        }

        return fills;
    }
}
