// PaymentFunctions: Linux Function App running the app as a .NET 10 isolated worker, with its storage (tables),
// Service Bus topics, Key Vault for the Stripe secrets and Application Insights. Every data-plane access
// uses the app's system-assigned identity, with each role scoped to what the app touches; the only secrets are
// Stripe's, set in Key Vault once by infra/set-secrets.sh and never by this template.
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

@description('Service Bus tier. Standard is throttled at about 1,000 credits/s per namespace, which an on-sale peak exceeds; Standard is enough for dev and test. Private networking needs Premium and overrides this.')
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

@description('Private networking (infra/README.md): a VNet the Function App is integrated with, private endpoints and private DNS zones for both storage accounts, Key Vault and Service Bus, and public network access disabled on those four. Forces the Service Bus Premium tier (the only one with private endpoints).')
param privateNetworking bool = false

@description('Address space of the VNet created with privateNetworking: split in two halves, the Function App\'s integration subnet and the private endpoints\' subnet.')
param virtualNetworkAddressPrefix string = '10.60.0.0/24'

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
  @description('Retention: deletes expired idempotency keys, old inbox rows and old event records.')
  retention: string
} = {
  reconciliation: '0 */15 * * * *'
  expiry: '0 */1 * * * *'
  outboxSweep: '0 */5 * * * *'
  retention: '0 */5 * * * *'
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
  // The app's tables keep the account name they have always had; the Functions host moved to an account of its own.
  dataStorage: take(toLower('stpay${environmentName}${suffix}'), 24)
  hostStorage: take(toLower('sthost${environmentName}${suffix}'), 24)
  serviceBus: 'sb-pay-${environmentName}-${suffix}'
  keyVault: take('kv-pay-${environmentName}-${suffix}', 24)
  workspace: 'log-pay-${environmentName}'
  insights: 'appi-pay-${environmentName}'
  plan: 'plan-pay-${environmentName}'
  functionApp: 'func-pay-${environmentName}-${suffix}'
  network: 'vnet-pay-${environmentName}'
}

// The Key Vault secrets the app settings reference. infra/set-secrets.sh creates them; this template never writes a
// value, so a deployment cannot undo a rotation.
var secretNames = {
  stripeSecretKey: 'stripe-secret-key'
  stripeWebhookSecret: 'stripe-webhook-secret'
  // The endpoint's previous signing secret while a roll is under way; otherwise the current one again.
  stripeWebhookSecretPrevious: 'stripe-webhook-secret-previous'
}

// Private endpoints exist only on Premium: private networking overrides the parameter.
var serviceBusTier = privateNetworking ? 'Premium' : serviceBusSku
var publicNetworkAccess = privateNetworking ? 'Disabled' : 'Enabled'

var storageProperties = {
  minimumTlsVersion: 'TLS1_2'
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false // identity only: no account key can leak
  supportsHttpsTrafficOnly: true
  publicNetworkAccess: publicNetworkAccess
}

// The app's tables (bookings, idempotency keys, lookups) and nothing else: the only account the app's table role
// reaches. A separate account rather than table-scoped roles: the app creates its tables at start-up under a
// configurable prefix (Storage:TablePrefix), and creating a table needs a role on the account.
resource dataStorage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: names.dataStorage
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: storageProperties
}

// The Functions host's own state (AzureWebJobsStorage: timer leases, host keys), reached with a blob role only.
resource hostStorage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: names.hostStorage
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: storageProperties
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: names.serviceBus
  location: location
  sku: {
    name: serviceBusTier
    tier: serviceBusTier
    capacity: serviceBusTier == 'Premium' ? serviceBusMessagingUnits : null
  }
  properties: {
    disableLocalAuth: true // no SAS keys: Entra ID only
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
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
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
      bypass: 'None'
    }
  }
}

// Versionless, so the app reads the latest version of each secret (a rotation needs no deployment).
func keyVaultReference(vaultUri string, secretName string) string =>
  '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName})'

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
    DisableLocalAuth: true // telemetry only with an Entra token (the app's identity), never with the key alone
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
    // Outbound through the VNet when private networking is on: storage, Key Vault (references included) and Service
    // Bus are then reached on their private endpoints. Inbound stays public: Stripe and the SPA call the app.
    virtualNetworkSubnetId: privateNetworking ? privateNetwork!.outputs.appSubnetId : null
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      alwaysOn: true
      // The platform answers CORS under the Functions host (the app's own CORS runs only standalone).
      cors: {
        allowedOrigins: [corsAllowedOrigin]
        supportCredentials: false
      }
      ftpsState: 'Disabled'
      vnetRouteAllEnabled: privateNetworking
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: concat([
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        // Host storage (timer leases, keys) through the identity: the account has no usable key.
        { name: 'AzureWebJobsStorage__accountName', value: hostStorage.name }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        // Local auth is off on Application Insights: the host and the worker's exporter send with the app's identity.
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'AZURE_FUNCTIONS_ENVIRONMENT', value: 'Production' }
        { name: 'DOTNET_ENVIRONMENT', value: 'Production' }
        // The app's own configuration (Hosting/*Options.cs, Messaging/MessagingOptions.cs).
        { name: 'Storage__TableEndpoint', value: dataStorage.properties.primaryEndpoints.table }
        { name: 'ServiceBus__Transport', value: 'ServiceBus' }
        { name: 'ServiceBus__FullyQualifiedNamespace', value: '${serviceBus.name}.servicebus.windows.net' }
        // The Service Bus trigger's Connection = "ServiceBusConnection" (Bookings/BookingPaymentEventsFunction.cs), identity-based.
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: '${serviceBus.name}.servicebus.windows.net' }
        { name: 'Stripe__SecretKey', value: keyVaultReference(keyVault.properties.vaultUri, secretNames.stripeSecretKey) }
        // Two signing-secret slots, so a roll needs no deployment: a signature matching either verifies.
        { name: 'Stripe__WebhookSecrets__0', value: keyVaultReference(keyVault.properties.vaultUri, secretNames.stripeWebhookSecret) }
        { name: 'Stripe__WebhookSecrets__1', value: keyVaultReference(keyVault.properties.vaultUri, secretNames.stripeWebhookSecretPrevious) }
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
        { name: 'Timers__RetentionSchedule', value: timerSchedules.retention }
      ], catalogSettings)
    }
  }
}

// Basic-auth publishing is off: deployments (the pipeline's AzureFunctionApp@2 zip deploy) authenticate with Entra ID.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

module appRoles 'app-roles.bicep' = {
  name: 'paymentfunctions-app-roles'
  params: {
    appId: functionApp.id
    principalId: functionApp.identity.principalId
    dataStorageName: dataStorage.name
    hostStorageName: hostStorage.name
    serviceBusName: serviceBus.name
    // The webhook's outbox publishes to payments, the booking consumer's to bookings.
    sendTopicNames: [paymentsTopic.name, bookingsTopic.name]
    receiveTopicName: paymentsTopic.name
    receiveSubscriptionName: bookingSubscription.name
    keyVaultName: keyVault.name
    insightsName: insights.name
  }
}

module diagnostics 'diagnostics.bicep' = {
  name: 'paymentfunctions-diagnostics'
  params: {
    workspaceId: workspace.id
    keyVaultName: keyVault.name
    dataStorageName: dataStorage.name
    hostStorageName: hostStorage.name
    serviceBusName: serviceBus.name
  }
}

module privateNetwork 'private-network.bicep' = if (privateNetworking) {
  name: 'paymentfunctions-private-network'
  params: {
    location: location
    name: names.network
    addressPrefix: virtualNetworkAddressPrefix
    dataStorageId: dataStorage.id
    hostStorageId: hostStorage.id
    keyVaultId: keyVault.id
    serviceBusId: serviceBus.id
  }
}

output functionAppName string = functionApp.name
output functionAppHostName string = functionApp.properties.defaultHostName
output webhookUrl string = 'https://${functionApp.properties.defaultHostName}/api/webhooks/stripe'
output serviceBusNamespace string = '${serviceBus.name}.servicebus.windows.net'
output tableEndpoint string = dataStorage.properties.primaryEndpoints.table
output hostStorageAccount string = hostStorage.name
@description('Where infra/set-secrets.sh writes the Stripe secrets.')
output keyVaultName string = keyVault.name
@description('Where the app\'s calls to Stripe come from, for a restricted key\'s IP allowlist: the NAT gateway\'s one address with private networking, else every address App Service may use for the app.')
output outboundIpAddresses string = privateNetworking ? privateNetwork!.outputs.outboundIpAddress : functionApp.properties.possibleOutboundIpAddresses
