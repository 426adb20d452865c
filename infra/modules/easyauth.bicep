metadata description = 'App Service authentication (Easy Auth) with Microsoft Entra ID on the function app. It validates the bearer token a request carries and hands the app its claims (X-MS-CLIENT-PRINCIPAL, client copies stripped); a request without a token passes on to the function keys. No client secret: the app only validates tokens, it signs nobody in.'

@description('Name of the function app to protect.')
param functionAppName string

@description('Tenant (directory) ID of the app registration; empty for the tenant of the deployment.')
param tenantId string = ''

// No @minLength: ARM may check the parameters of a module even when its condition is false, and
// the default (off) deployment passes an empty ID.
@description('Application (client) ID of the app registration that defines the app roles; tokens must be issued for it (audience the client ID or api://<client ID>).')
param clientId string

var issuerTenantId = empty(tenantId) ? tenant().tenantId : tenantId

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      // Mobile apps and Event Grid call with keys and no token, so a request without one is let
      // through (the host still wants its key); one with a bad token is refused with a 401.
      // The app itself requires the roles (EasyAuth__Enabled).
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          // v2.0 tokens (the registration sets requestedAccessTokenVersion 2). No
          // clientSecretSettingName: validating bearer tokens needs no secret.
          openIdIssuer: '${environment().authentication.loginEndpoint}${issuerTenantId}/v2.0'
          clientId: clientId
        }
        validation: {
          allowedAudiences: [
            clientId
            'api://${clientId}'
          ]
        }
      }
    }
    login: {
      // Nothing is stored: callers send a token with every request.
      tokenStore: {
        enabled: false
      }
    }
  }
}

@description('Issuer whose tokens the app accepts.')
output openIdIssuer string = authSettings.properties.identityProviders.azureActiveDirectory.registration.openIdIssuer
