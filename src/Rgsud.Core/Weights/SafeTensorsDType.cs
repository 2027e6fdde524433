namespace Rgsud.Weights;

/// <summary>
/// Element types a safetensors file may hold that Rgsud (and TorchSharp) can represent. The safetensors spelling
/// is given for each member; <see cref="SafeTensors"/> rejects every other dtype with a clear error.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary><c>F64</c>: IEEE 754 binary64.</summary>
    F64,

    /// <summary><c>F32</c>: IEEE 754 binary32.</summary>
    F32,

    /// <summary><c>F16</c>: IEEE 754 binary16.</summary>
    F16,

    /// <summary><c>BF16</c>: bfloat16.</summary>
    BF16,

    /// <summary><c>I64</c>: signed 64-bit integer.</summary>
    I64,

    /// <summary><c>I32</c>: signed 32-bit integer.</summary>
    I32,

    /// <summary><c>I16</c>: signed 16-bit integer.</summary>
    I16,

    /// <summary><c>I8</c>: signed 8-bit integer.</summary>
    I8,

    /// <summary><c>U8</c>: unsigned 8-bit integer.</summary>
    U8,

    /// <summary><c>BOOL</c>: one byte per element, 0 or 1.</summary>
    Bool,
}
