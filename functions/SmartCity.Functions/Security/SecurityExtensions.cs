using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SmartCity.Functions.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// The Easy Auth setting (<c>EasyAuth__Enabled</c>, read at start: a value that is not a
    /// boolean stops the app naming it) and the app-role check of the functions in <see cref="FunctionRoles"/>.
    /// </summary>
    public static IHostApplicationBuilder AddAppRoleAuthorization(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<EasyAuthOptions>().BindConfiguration(EasyAuthOptions.Section).ValidateOnStart();
        if (builder is FunctionsApplicationBuilder functions)
        {
            functions.UseWhen<AppRoleMiddleware>(context => FunctionRoles.For(context.FunctionDefinition.Name) is not null);
        }

        return builder;
    }
}
