namespace SmartCity.Infra.Tests;

/// <summary>infra/main.bicep and infra/eventgrid.bicep compiled once for every test that inspects them.</summary>
public sealed class CompiledTemplates
{
    public CompiledTemplates()
    {
        MainJson = Bicep.Build(Path.Combine(Repository.Infra, "main.bicep"));
        EventGridJson = Bicep.Build(Path.Combine(Repository.Infra, "eventgrid.bicep"));
        Main = ArmTemplate.Parse(MainJson, "main.bicep");
        EventGrid = ArmTemplate.Parse(EventGridJson, "eventgrid.bicep");
    }

    public string MainJson { get; }

    public string EventGridJson { get; }

    internal ArmTemplate Main { get; }

    internal ArmTemplate EventGrid { get; }
}
