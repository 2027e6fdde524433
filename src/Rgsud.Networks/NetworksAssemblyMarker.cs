namespace Rgsud.Networks;

/// <summary>Marker for the Rgsud.Networks assembly.</summary>
public static class NetworksAssemblyMarker
{
}
