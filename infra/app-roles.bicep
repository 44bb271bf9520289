// Every data-plane role of the app's identity, each scoped to the narrowest resource the app uses: the topics it
// sends to, the subscription it reads, the account holding its tables, the host's account for blobs only, the vault
// holding its secrets, the Application Insights component it sends telemetry to. Nothing on the namespace, the
// resource group or the subscription.
targetScope = 'resourceGroup'

@description('The Function App\'s resource id: with the scope and the role, it names each assignment stably.')
param appId string

@description('The Function App\'s system-assigned identity.')
param principalId string

param dataStorageName string
param hostStorageName string
param serviceBusName string
param sendTopicNames string[]
param receiveTopicName string
param receiveSubscriptionName string
param keyVaultName string
param insightsName string

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Named for metrics, but it is the role for Entra-authenticated ingestion of every telemetry type.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

func roleId(role string) string => subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)

resource dataStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: dataStorageName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: hostStorageName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusName
}

resource sendTopics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [
  for topic in sendTopicNames: {
    parent: serviceBus
    name: topic
  }
]

resource receiveTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  parent: serviceBus
  name: receiveTopicName

  resource subscription 'subscriptions' existing = {
    name: receiveSubscriptionName
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

// The app's tables, created at start-up under Storage:TablePrefix (so not table-scoped: creating needs the account).
resource tables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataStorage.id, appId, roles.storageTableDataContributor)
  scope: dataStorage
  properties: {
    roleDefinitionId: roleId(roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// What the host needs of AzureWebJobsStorage with HTTP, timer and Service Bus triggers: blobs (leases, keys).
resource hostBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appId, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: roleId(roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource send 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (topic, i) in sendTopicNames: {
    name: guid(sendTopics[i].id, appId, roles.serviceBusDataSender)
    scope: sendTopics[i]
    properties: {
      roleDefinitionId: roleId(roles.serviceBusDataSender)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The Service Bus trigger receives (and settles) on its subscription only.
resource receive 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(receiveTopic::subscription.id, appId, roles.serviceBusDataReceiver)
  scope: receiveTopic::subscription
  properties: {
    roleDefinitionId: roleId(roles.serviceBusDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// On the vault, which holds this app's secrets only: they are created after the template (infra/set-secrets.sh), so
// they cannot be the scope.
resource secrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, appId, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: roleId(roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, appId, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: roleId(roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
