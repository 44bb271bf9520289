// PaymentFunctions: Linux Function App running the app as a .NET 10 isolated worker, with its storage (tables),
// Service Bus topics, Key Vault for the Stripe secrets and Application Insights. Every data-plane access
// uses the app's system-assigned identity; the only secrets are Stripe's, and they live in Key Vault.
targetScope = 'resourceGroup'

@description('Short environment name, used in resource names (dev, test, prod).')
@minLength(2)
@maxLength(8)
param environmentName string

param location string = resourceGroup().location

@description('App Service plan SKU: a dedicated Linux plan keeps the worker warm (Always On) and needs no Azure Files share.')
param planSku string = 'P1v3'

@description('Instances the plan always runs (raise it a day before an on-sale; see infra/README.md, sizing).')
@minValue(1)
@maxValue(30)
param minimumInstances int = 2

@description('Instances autoscale may add up to, on CPU.')
@minValue(1)
@maxValue(30)
param maximumInstances int = 10

@description('Service Bus tier. Standard is throttled at about 1,000 credits/s per namespace, which an on-sale peak exceeds; Standard is enough for dev and test.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Premium'

@description('Premium messaging units (ignored for Standard).')
@allowed([
  1
  2
  4
  8
  16
])
param serviceBusMessagingUnits int = 1

@description('Stripe secret key (sk_test_/sk_live_/rk_...). Stored in Key Vault only.')
@secure()
param stripeSecretKey string

@description('Stripe webhook endpoint signing secret (whsec_...). Stored in Key Vault only.')
@secure()
param stripeWebhookSecret string

@description('True only for the production environment with live Stripe keys.')
param stripeLiveMode bool = false

@description('OpenID Connect authority that issues the SPA tokens, e.g. https://login.microsoftonline.com/{tenant}/v2.0.')
param authAuthority string

@description('Audience (API app id URI or client id) the SPA tokens are issued for.')
param authAudience string

@description('Delegated scope the SPA tokens must carry in scp: the scope the API app registration exposes to the SPA.')
param authRequiredScope string = 'payments.access'

@description('Audience of staff tokens (e.g. a staff tools app registration). Empty: staff routes take authAudience tokens with the payments.admin role.')
param authAdminAudience string = ''

@description('The SPA origin allowed by CORS, e.g. https://tickets.example.com.')
param corsAllowedOrigin string

@description('NCRONTAB schedules (six fields, seconds first) of the timer functions, named in their triggers as %Timers:...%.')
param timerSchedules {
  @description('Stripe reconciliation (GET /v1/events since the checkpoint).')
  reconciliation: string
  @description('Expiry of unpaid bookings past their hold time.')
  expiry: string
  @description('Outbox sweep: sends what a crashed process left behind.')
  outboxSweep: string
} = {
  reconciliation: '0 */15 * * * *'
  expiry: '0 */1 * * * *'
  outboxSweep: '0 */5 * * * *'
}

@description('One ticket type of the catalogue.')
type ticketType = {
  @description('Name shown to buyers.')
  name: string
  @description('Unit price in major units, as a string so that decimals survive (e.g. \'25.00\').')
  unitPrice: string
  @description('ISO 4217 currency code.')
  @minLength(3)
  @maxLength(3)
  currency: string
}

@description('The ticket catalogue (the app refuses to start without one): id -> ticket type.')
param ticketTypes { *: ticketType } = {
  standard: { name: 'Standard admission', unitPrice: '25.00', currency: 'EUR' }
}

// Catalog:TicketTypes:{id}:{Name,UnitPrice,Currency} as app settings.
var catalogSettings = flatten(map(items(ticketTypes), t => [
  { name: 'Catalog__TicketTypes__${t.key}__Name', value: t.value.name }
  { name: 'Catalog__TicketTypes__${t.key}__UnitPrice', value: t.value.unitPrice }
  { name: 'Catalog__TicketTypes__${t.key}__Currency', value: t.value.currency }
]))

var suffix = uniqueString(resourceGroup().id, environmentName)
var names = {
  storage: take(toLower('stpay${environmentName}${suffix}'), 24)
  serviceBus: 'sb-pay-${environmentName}-${suffix}'
  keyVault: take('kv-pay-${environmentName}-${suffix}', 24)
  workspace: 'log-pay-${environmentName}'
  insights: 'appi-pay-${environmentName}'
  plan: 'plan-pay-${environmentName}'
  functionApp: 'func-pay-${environmentName}-${suffix}'
}

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: names.storage
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // identity only: no account key can leak
    supportsHttpsTrafficOnly: true
  }
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: names.serviceBus
  location: location
  sku: {
    name: serviceBusSku
    tier: serviceBusSku
    capacity: serviceBusSku == 'Premium' ? serviceBusMessagingUnits : null
  }
  properties: {
    disableLocalAuth: true // no SAS keys: Entra ID only
    minimumTlsVersion: '1.2'
  }
}

// Sized in infra/README.md: 5 GiB holds an hour of an on-sale's peak unconsumed many times over; 14 days of TTL
// outlasts any consumer outage we would not notice, and an expired message is dead-lettered, not dropped.
var topicMaxSizeInMegabytes = 5120
var messageTimeToLive = 'P14D'

// Duplicate detection drops resends of the same MessageId (outbox resends after a crash) within the window.
resource paymentsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: serviceBus
  name: 'payments'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    supportOrdering: true
    maxSizeInMegabytes: topicMaxSizeInMegabytes
    defaultMessageTimeToLive: messageTimeToLive
  }
}

resource bookingSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: paymentsTopic
  name: 'booking'
  properties: {
    requiresSession: false // the booking state machine merges facts, so order does not matter
    maxDeliveryCount: 10
    lockDuration: 'PT5M' // as long as functionTimeout in host.json
    deadLetteringOnMessageExpiration: true
  }
}

// Only the versions the booking function understands: a ".v2" published side by side must not be dead-lettered
// here. Replaces the subscription's catch-all $Default rule.
resource bookingSubscriptionFilter 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = {
  parent: bookingSubscription
  name: '$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: {
      sqlExpression: 'user.type LIKE \'bookticket.payments.%.v1\''
    }
  }
}

resource bookingsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: serviceBus
  name: 'bookings'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    supportOrdering: true
    maxSizeInMegabytes: topicMaxSizeInMegabytes
    defaultMessageTimeToLive: messageTimeToLive
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: names.keyVault
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource stripeSecretKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: keyVault
  name: 'stripe-secret-key'
  properties: {
    value: stripeSecretKey
  }
}

resource stripeWebhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: keyVault
  name: 'stripe-webhook-secret'
  properties: {
    value: stripeWebhookSecret
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: names.workspace
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: names.plan
  location: location
  kind: 'linux'
  sku: {
    name: planSku
    capacity: minimumInstances
  }
  properties: {
    reserved: true // Linux
  }
}

// Scale-out on CPU between minimumInstances and maximumInstances. Timers stay singletons (the host's lease), the
// Service Bus trigger spreads over instances, HTTP over the front end; storage partitions are per booking.
resource autoscale 'Microsoft.Insights/autoscalesettings@2022-10-01' = {
  name: '${names.plan}-autoscale'
  location: location
  properties: {
    enabled: true
    targetResourceUri: plan.id
    profiles: [
      {
        name: 'cpu'
        capacity: {
          minimum: string(minimumInstances)
          maximum: string(max(minimumInstances, maximumInstances))
          default: string(minimumInstances)
        }
        rules: [
          {
            metricTrigger: {
              metricName: 'CpuPercentage'
              metricResourceUri: plan.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT5M'
              timeAggregation: 'Average'
              operator: 'GreaterThan'
              threshold: 65
            }
            scaleAction: {
              direction: 'Increase'
              type: 'ChangeCount'
              value: '2'
              cooldown: 'PT3M'
            }
          }
          {
            metricTrigger: {
              metricName: 'CpuPercentage'
              metricResourceUri: plan.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT15M'
              timeAggregation: 'Average'
              operator: 'LessThan'
              threshold: 25
            }
            scaleAction: {
              direction: 'Decrease'
              type: 'ChangeCount'
              value: '1'
              cooldown: 'PT15M'
            }
          }
        ]
      }
    ]
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: names.functionApp
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      alwaysOn: true
      // The platform answers CORS under the Functions host (the app's own CORS runs only standalone).
      cors: {
        allowedOrigins: [corsAllowedOrigin]
        supportCredentials: false
      }
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat([
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        // Host storage (timer leases, keys) through the identity: the account has no usable key.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'AZURE_FUNCTIONS_ENVIRONMENT', value: 'Production' }
        { name: 'DOTNET_ENVIRONMENT', value: 'Production' }
        // The app's own configuration (Hosting/*Options.cs, Messaging/MessagingOptions.cs).
        { name: 'Storage__TableEndpoint', value: storage.properties.primaryEndpoints.table }
        { name: 'ServiceBus__Transport', value: 'ServiceBus' }
        { name: 'ServiceBus__FullyQualifiedNamespace', value: '${serviceBus.name}.servicebus.windows.net' }
        // The Service Bus trigger's Connection = "ServiceBusConnection" (Bookings/BookingPaymentEventsFunction.cs), identity-based.
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: '${serviceBus.name}.servicebus.windows.net' }
        { name: 'Stripe__SecretKey', value: '@Microsoft.KeyVault(SecretUri=${stripeSecretKeySecret.properties.secretUri})' }
        { name: 'Stripe__WebhookSecrets__0', value: '@Microsoft.KeyVault(SecretUri=${stripeWebhookSecretSecret.properties.secretUri})' }
        { name: 'Stripe__LiveMode', value: string(stripeLiveMode) }
        { name: 'Auth__Authority', value: authAuthority }
        { name: 'Auth__Audience', value: authAudience }
        { name: 'Auth__RequiredScope', value: authRequiredScope }
        { name: 'Auth__AdminAudience', value: authAdminAudience }
        { name: 'Cors__AllowedOrigins__0', value: corsAllowedOrigin }
        // The timer triggers' %Timers:X% resolve as configuration keys: Timers__X is the app setting for Timers:X.
        { name: 'Timers__ReconciliationSchedule', value: timerSchedules.reconciliation }
        { name: 'Timers__ExpirySchedule', value: timerSchedules.expiry }
        { name: 'Timers__OutboxSweepSchedule', value: timerSchedules.outboxSweep }
      ], catalogSettings)
    }
  }
}

// Data-plane roles for the app's identity, each scoped to the one resource it needs.
resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource hostStorageRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource senderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus.id, functionApp.id, roles.serviceBusDataSender)
  scope: serviceBus
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The trigger on payments/booking receives: sending alone is not enough for the consumer.
resource receiverRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(bookingSubscription.id, functionApp.id, roles.serviceBusDataReceiver)
  scope: bookingSubscription
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, functionApp.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = functionApp.name
output functionAppHostName string = functionApp.properties.defaultHostName
output webhookUrl string = 'https://${functionApp.properties.defaultHostName}/api/webhooks/stripe'
output serviceBusNamespace string = '${serviceBus.name}.servicebus.windows.net'
output tableEndpoint string = storage.properties.primaryEndpoints.table
