using static TorchSharp.torch;

namespace Rgsud.Weights;

/// <summary>Conversions between safetensors dtype names, <see cref="SafeTensorsDType"/> and TorchSharp types.</summary>
public static class SafeTensorsDTypes
{
    /// <summary>The spelling used in safetensors headers (<c>F32</c>, <c>BF16</c>, <c>BOOL</c>, ...).</summary>
    public static string ToName(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => "F64",
        SafeTensorsDType.F32 => "F32",
        SafeTensorsDType.F16 => "F16",
        SafeTensorsDType.BF16 => "BF16",
        SafeTensorsDType.I64 => "I64",
        SafeTensorsDType.I32 => "I32",
        SafeTensorsDType.I16 => "I16",
        SafeTensorsDType.I8 => "I8",
        SafeTensorsDType.U8 => "U8",
        SafeTensorsDType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>Parses a header dtype name (case-sensitive, as the format requires); false when unknown or unsupported.</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            case "I16": dtype = SafeTensorsDType.I16; return true;
            case "I8": dtype = SafeTensorsDType.I8; return true;
            case "U8": dtype = SafeTensorsDType.U8; return true;
            case "BOOL": dtype = SafeTensorsDType.Bool; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Bytes per element.</summary>
    public static int SizeOf(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 or SafeTensorsDType.I64 => 8,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 => 4,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.I16 => 2,
        SafeTensorsDType.I8 or SafeTensorsDType.U8 or SafeTensorsDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>The TorchSharp element type of a safetensors dtype.</summary>
    public static ScalarType ToScalarType(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => ScalarType.Float64,
        SafeTensorsDType.F32 => ScalarType.Float32,
        SafeTensorsDType.F16 => ScalarType.Float16,
        SafeTensorsDType.BF16 => ScalarType.BFloat16,
        SafeTensorsDType.I64 => ScalarType.Int64,
        SafeTensorsDType.I32 => ScalarType.Int32,
        SafeTensorsDType.I16 => ScalarType.Int16,
        SafeTensorsDType.I8 => ScalarType.Int8,
        SafeTensorsDType.U8 => ScalarType.Byte,
        SafeTensorsDType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>The safetensors dtype of a TorchSharp element type; false for types safetensors cannot hold here (complex, quantised).</summary>
    public static bool TryFromScalarType(ScalarType type, out SafeTensorsDType dtype)
    {
        switch (type)
        {
            case ScalarType.Float64: dtype = SafeTensorsDType.F64; return true;
            case ScalarType.Float32: dtype = SafeTensorsDType.F32; return true;
            case ScalarType.Float16: dtype = SafeTensorsDType.F16; return true;
            case ScalarType.BFloat16: dtype = SafeTensorsDType.BF16; return true;
            case ScalarType.Int64: dtype = SafeTensorsDType.I64; return true;
            case ScalarType.Int32: dtype = SafeTensorsDType.I32; return true;
            case ScalarType.Int16: dtype = SafeTensorsDType.I16; return true;
            case ScalarType.Int8: dtype = SafeTensorsDType.I8; return true;
            case ScalarType.Byte: dtype = SafeTensorsDType.U8; return true;
            case ScalarType.Bool: dtype = SafeTensorsDType.Bool; return true;
            default: dtype = default; return false;
        }
    }
}
