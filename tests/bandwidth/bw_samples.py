"""Today's request and answer samples, copied from Bandwidth's own documentation.

Each constant names its source (paths are in the Bandwidth/api-docs repository, the CLI is
Bandwidth/cli, the SDK models are bandwidth-sdk 23.3.1 and bandwidth-numbers-sdk 1.2.0). Where
the 2018 guide's samples (tests/fixtures/bandwidth) still hold, the tests use those instead.
"""

from __future__ import annotations

# -- programmatic-setup.mdx --------------------------------------------------------------------

SITE_REQUEST = """<Site>
  <Name>SetupTest</Name>
  <Description>Programmatic Setup Test</Description>
  <Address>
    <HouseNumber>900</HouseNumber>
    <StreetName>Main Campus Dr</StreetName>
    <City>RALEIGH</City>
    <StateCode>NC</StateCode>
    <Zip>27606</Zip>
    <AddressType>Billing</AddressType>
  </Address>
</Site>"""
"""The doc's sample without its optional CustomerName."""

SITE_RESPONSE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SiteResponse>
    <Site>
        <Id>12345</Id>
        <Name>SetupTest</Name>
        <Description>Programmatic Setup Test</Description>
        <CustomerName>BW</CustomerName>
        <Address>
            <HouseNumber>900</HouseNumber>
            <StreetName>Main Campus Dr</StreetName>
            <City>RALEIGH</City>
            <StateCode>NC</StateCode>
            <Zip>27606</Zip>
            <Country>United States</Country>
            <AddressType>Billing</AddressType>
        </Address>
    </Site>
</SiteResponse>"""

SMS_REQUEST = """<SipPeerSmsFeature>
  <SipPeerSmsFeatureSettings>
    <TollFree>true</TollFree>
    <ShortCode>true</ShortCode>
    <Protocol>HTTP</Protocol>
    <Zone1>true</Zone1>
    <Zone2>false</Zone2>
    <Zone3>false</Zone3>
    <Zone4>false</Zone4>
    <Zone5>false</Zone5>
  </SipPeerSmsFeatureSettings>
  <HttpSettings />
</SipPeerSmsFeature>"""
"""The doc's sample with the guide's zones (Zone1 only: US and Canada)."""

SMS_RESPONSE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SipPeerSmsFeatureResponse>
    <SipPeerSmsFeature>
        <SipPeerSmsFeatureSettings>
            <TollFree>true</TollFree>
            <ShortCode>true</ShortCode>
            <Protocol>HTTP</Protocol>
            <Zone1>true</Zone1>
            <Zone2>false</Zone2>
            <Zone3>false</Zone3>
            <Zone4>false</Zone4>
            <Zone5>false</Zone5>
        </SipPeerSmsFeatureSettings>
        <HttpSettings>
            <ProxyPeerId>569238</ProxyPeerId>
        </HttpSettings>
    </SipPeerSmsFeature>
</SipPeerSmsFeatureResponse>"""

MMS_REQUEST = """<MmsFeature>
  <MmsSettings>
    <Protocol>HTTP</Protocol>
  </MmsSettings>
  <Protocols>
    <HTTP>
      <HttpSettings />
    </HTTP>
  </Protocols>
</MmsFeature>"""

MMS_RESPONSE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<MmsFeatureResponse>
    <MmsFeature>
        <MmsSettings>
            <Protocol>HTTP</Protocol>
        </MmsSettings>
        <Protocols>
            <HTTP>
                <HttpSettings>
                    <ProxyPeerId>569238</ProxyPeerId>
                </HttpSettings>
            </HTTP>
        </Protocols>
    </MmsFeature>
</MmsFeatureResponse>"""

APPLICATION_REQUEST = """<Application>
    <ServiceType>Messaging-V2</ServiceType>
    <AppName>Production Server</AppName>
    <MsgCallbackUrl>https://yourSecureSite.com/callbacks</MsgCallbackUrl>
    <CallbackCreds>
      <UserId>Your-User-id</UserId>
      <Password>Your-Password</Password>
  </CallbackCreds>
</Application>"""

APPLICATION_RESPONSE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ApplicationProvisioningResponse>
    <Application>
        <ApplicationId>590cde45-c05d-44e3-a77a-59fd10f17c26</ApplicationId>
        <ServiceType>Messaging-V2</ServiceType>
        <AppName>Setup Test</AppName>
        <CallbackUrl>https://yourSecureSite.com/callbacks</CallbackUrl>
        <MsgCallbackUrl>https://yourSecureSite.com/callbacks</MsgCallbackUrl>
        <InboundCallbackUrl>https://yourSecureSite.com/callbacks</InboundCallbackUrl>
        <OutboundCallbackUrl>https://yourSecureSite.com/callbacks</OutboundCallbackUrl>
        <RequestedCallbackTypes>
            <CallbackType>message-failed</CallbackType>
            <CallbackType>message-delivered</CallbackType>
            <CallbackType>message-sending</CallbackType>
        </RequestedCallbackTypes>
        <CallbackCreds>
            <UserId>Your-User-id</UserId>
        </CallbackCreds>
        <InboundCallbackCreds>
            <UserId>Your-User-id</UserId>
        </InboundCallbackCreds>
        <OutboundCallbackCreds>
            <UserId>Your-User-id</UserId>
        </OutboundCallbackCreds>
    </Application>
</ApplicationProvisioningResponse>"""

# -- numbers.yml ---------------------------------------------------------------------------------

APPLICATION_SPLIT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ApplicationProvisioningResponse>
  <Application>
    <ApplicationId>e5a9e103-097e-4ec4-87a0-50109fb7b4b1</ApplicationId>
    <ServiceType>Messaging</ServiceType>
    <AppName>qMmmTT</AppName>
    <!--DEPRECATED-->
    <MsgCallbackUrl>https://example.com</MsgCallbackUrl>
    <InboundCallbackUrl>https://example.com</InboundCallbackUrl>
    <OutboundCallbackUrl>https://example2.com</OutboundCallbackUrl>
    <!--DEPRECATED-->
    <MsgCallbackCreds>
      <!--DEPRECATED-->
      <UserId>15jPWZmXdm</UserId>
      <!--DEPRECATED-->
    </MsgCallbackCreds>
    <InboundCallbackCreds>
      <UserId>15jPWZmXdm</UserId>
    </InboundCallbackCreds>
    <OutboundCallbackCreds>
      <UserId>15jPWZmXdm</UserId>
    </OutboundCallbackCreds>
    <RequestedCallbackTypes>
      <CallbackType>message-delivered</CallbackType>
      <CallbackType>message-failed</CallbackType>
      <CallbackType>message-sending</CallbackType>
    </RequestedCallbackTypes>
  </Application>
</ApplicationProvisioningResponse>"""
"""GetApplication, messaging example: inbound and outbound URLs differ."""

APPLICATION_INBOUND_OUTBOUND_ONLY = """<ApplicationProvisioningResponse>
  <Application>
    <ApplicationId>app-made-in-the-app</ApplicationId>
    <ServiceType>Messaging-V2</ServiceType>
    <AppName>Made in the Bandwidth App</AppName>
    <InboundCallbackUrl>https://in.example.net/sms</InboundCallbackUrl>
    <OutboundCallbackUrl>https://out.example.net/status</OutboundCallbackUrl>
    <InboundCallbackCreds><UserId>in-user</UserId></InboundCallbackCreds>
    <OutboundCallbackCreds><UserId>out-user</UserId></OutboundCallbackCreds>
  </Application>
</ApplicationProvisioningResponse>"""
"""CreateApplication's request form (Inbound/Outbound pair only), as a GET would echo it."""

APPLICATION_LIST = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ApplicationProvisioningResponse>
  <ApplicationList>
    <Application>
      <ApplicationId>2cfcb382-161c-46d4-8c67-87ca09a72c85</ApplicationId>
      <ServiceType>Messaging-V2</ServiceType>
      <AppName>app1</AppName>
      <!--DEPRECATED-->
      <MsgCallbackUrl>http://a.com</MsgCallbackUrl>
      <InboundCallbackUrl>http://a.com</InboundCallbackUrl>
    </Application>
    <Application>
      <ApplicationId>0cb0112b-5998-4c81-999a-0d3fb5e3f8e2</ApplicationId>
      <ServiceType>Voice-V2</ServiceType>
      <AppName>app2</AppName>
      <CallInitiatedCallbackUrl>http://b.com</CallInitiatedCallbackUrl>
      <CallbackCreds>
        <UserId>15jPWZmXdm</UserId>
        </CallbackCreds>
      <CallbackTimeout>20</CallbackTimeout>
    </Application>
  </ApplicationList>
</ApplicationProvisioningResponse>"""
"""ListApplications example (one messaging, one voice application)."""

ASSOCIATED_SIPPEERS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<AssociatedSipPeersResponse>
  <AssociatedSipPeers>
    <AssociatedSipPeer>
      <SiteId>482</SiteId>
      <SiteName>site_e867f</SiteName>
      <PeerId>500018</PeerId>
      <PeerName>sippeer-e867f</PeerName>
    </AssociatedSipPeer>
    <AssociatedSipPeer>
      <SiteId>483</SiteId>
      <SiteName>site_e867d</SiteName>
      <PeerId>500019</PeerId>
      <PeerName>sippeer-e867d</PeerName>
    </AssociatedSipPeer>
  </AssociatedSipPeers>
</AssociatedSipPeersResponse>"""

ASSOCIATED_SIPPEERS_404 = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<AssociatedSipPeersResponse>
  <ResponseStatus>
    <ErrorCode>13629</ErrorCode>
    <Description>Application with id 'non_existing' not found</Description>
  </ResponseStatus>
</AssociatedSipPeersResponse>"""

ORDER_LIST_WITH_LINKS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ResponseSelectWrapper>
    <ListOrderIdUserIdDate>
        <TotalCount>122</TotalCount>
        <Links>
        <first>Link=&lt;https://dashboard.bandwidth.com:443/v1.0/accounts/9900012/orders?page=1&amp;size=3&gt;;rel="first";</first>
        <next>Link=&lt;https://dashboard.bandwidth.com:443/v1.0/accounts/9900012/orders?page=cbdcfc94-81b1-4ce9-8b6d-f8d6b85381ba&amp;size=3&gt;;rel="next";</next>
        </Links>
        <OrderIdUserIdDate>
            <CountOfTNs>1</CountOfTNs>
            <lastModifiedDate>2013-12-20T06</lastModifiedDate>
            <OrderDate>2013-12-20T06</OrderDate>
            <orderId>c5d8d076-345c-45d7-87b3-803a35cca89b</orderId>
            <OrderStatus>COMPLETE</OrderStatus>
            <userId>bwc_user</userId>
        </OrderIdUserIdDate>
        <OrderIdUserIdDate>
            <CountOfTNs>0</CountOfTNs>
            <lastModifiedDate>2013-11-05T17</lastModifiedDate>
            <OrderDate>2013-11-05T17</OrderDate>
            <orderId>27da9f39-81f3-44ed-80ce-05ddf2db612d</orderId>
            <OrderStatus>FAILED</OrderStatus>
            <userId>wandedemo_user</userId>
        </OrderIdUserIdDate>
    </ListOrderIdUserIdDate>
</ResponseSelectWrapper>"""
"""ListOrders example (its <first>/<next> carry the link text the example shows in comments)."""

TOLL_FREE_ORDER_REQUEST = """<Order>
    <TollFreeWildCharSearchAndOrderType>
        <Quantity>1</Quantity>
        <TollFreeWildCardPattern>8**</TollFreeWildCardPattern>
    </TollFreeWildCharSearchAndOrderType>
    <SiteId>743</SiteId>
</Order>"""
"""CreateOrder's TollFreeWildCharSearchAndOrderType example, without its optional fields."""

TN_OPTION_CREATED = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<TnOptionOrderResponse>
    <TnOptionOrder>
        <OrderCreateDate>2021-04-14T18:17:17.791Z</OrderCreateDate>
        <AccountId>000000000</AccountId>
        <CreatedByUser>user</CreatedByUser>
        <OrderId>ac48abbe-2311-4888-ca4a-05eaa336119c</OrderId>
        <LastModifiedDate>2021-04-14T18:17:17.792Z</LastModifiedDate>
        <ProcessingStatus>RECEIVED</ProcessingStatus>
        <TnOptionGroups>
            <TnOptionGroup>
                <Sms>on</Sms>
                <A2pSettings>
                    <CampaignId>CAHVRZA</CampaignId>
                    <Action>asSpecified</Action>
                </A2pSettings>
                <TelephoneNumbers>
                    <TelephoneNumber>9999999999</TelephoneNumber>
                    <TelephoneNumber>8888888888</TelephoneNumber>
                </TelephoneNumbers>
            </TnOptionGroup>
        </TnOptionGroups>
        <ErrorList/>
        <Warnings/>
    </TnOptionOrder>
</TnOptionOrderResponse>"""
"""messaging/campaign-management/csp/campaign-api.mdx, Update Campaign TN Relationship."""

TN_OPTION_COMPLETE_WITH_WARNING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<TnOptionOrder>
  <OrderCreateDate>2016-01-15T11:22:58.789Z</OrderCreateDate>
  <AccountId>14</AccountId>
  <CreatedByUser>jbm</CreatedByUser>
  <OrderId>409033ee-88ec-43e3-85f3-538f30733963</OrderId>
  <LastModifiedDate>2016-01-15T11:22:58.969Z</LastModifiedDate>
  <ProcessingStatus>COMPLETE</ProcessingStatus>
  <TnOptionGroups>
    <TnOptionGroup>
      <CallingNameDisplay>on</CallingNameDisplay>
      <Sms>on</Sms>
      <TelephoneNumbers>
        <TelephoneNumber>2174101601</TelephoneNumber>
      </TelephoneNumbers>
    </TnOptionGroup>
    <TnOptionGroup>
      <CallingNameDisplay>off</CallingNameDisplay>
      <TelephoneNumbers>
        <TelephoneNumber>2174101602</TelephoneNumber>
      </TelephoneNumbers>
      </TnOptionGroup>
  </TnOptionGroups>
  <ErrorList/>
  <Warnings>
    <Warning>
      <TelephoneNumber>2174101601</TelephoneNumber>
      <Description>SMS is already Enabled or number is in processing.</Description>
    </Warning>
  </Warnings>
</TnOptionOrder>"""
"""GetTnOptionOrder example."""

TN_OPTION_FAILED = """<TnOptionOrder>
   <OrderCreateDate>2016-01-15T12:01:14.324Z</OrderCreateDate>
   <AccountId>14</AccountId>
   <CreatedByUser>jbm</CreatedByUser>
   <OrderId>ddbdc72e-dc27-490c-904e-d0c11291b095</OrderId>
   <LastModifiedDate>2016-01-15T12:01:14.363Z</LastModifiedDate>
   <ProcessingStatus>FAILED</ProcessingStatus>
   <TnOptionGroups>
      <TnOptionGroup>
         <Sms>on</Sms>
         <TelephoneNumbers>
            <TelephoneNumber>2018551020</TelephoneNumber>
         </TelephoneNumbers>
      </TnOptionGroup>
      <TnOptionGroup>
         <Sms>off</Sms>
         <TelephoneNumbers>
            <TelephoneNumber>2018551025</TelephoneNumber>
         </TelephoneNumbers>
      </TnOptionGroup>
   </TnOptionGroups>
   <ErrorList>
      <Error>
         <Code>5076</Code>
         <Description>Telephone number is not available.</Description>
         <TelephoneNumber>2018551025</TelephoneNumber>
      </Error>
      <Error>
         <Code>5076</Code>
         <Description>Telephone number is not available.</Description>
         <TelephoneNumber>2018551020</TelephoneNumber>
      </Error>
   </ErrorList>
</TnOptionOrder>"""
"""GetTnOptionOrders detailed example, the FAILED order, as GetTnOptionOrder answers it."""

TN_OPTION_SUMMARIES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<TnOptionOrderReportResponse>
   <TnOptionOrders>
      <TotalCount>2</TotalCount>
      <TnOptionOrderSummary>
         <accountId>14</accountId>
         <CountOfTNs>2</CountOfTNs>
         <userId>jbm</userId>
         <lastModifiedDate>2016-01-15T12:01:14.363Z</lastModifiedDate>
         <OrderDate>2016-01-15T12:01:14.324Z</OrderDate>
         <OrderType>tn_option</OrderType>
         <OrderStatus>FAILED</OrderStatus>
         <OrderId>ddbdc72e-dc27-490c-904e-d0c11291b095</OrderId>
      </TnOptionOrderSummary>
      <TnOptionOrderSummary>
         <accountId>14</accountId>
         <CountOfTNs>3</CountOfTNs>
         <userId>jbm</userId>
         <lastModifiedDate>2016-01-15T11:22:58.969Z</lastModifiedDate>
         <OrderDate>2016-01-15T11:22:58.789Z</OrderDate>
         <OrderType>tn_option</OrderType>
         <OrderStatus>COMPLETE</OrderStatus>
         <OrderId>409033ee-88ec-43e3-85f3-538f30733963</OrderId>
      </TnOptionOrderSummary>
   </TnOptionOrders>
</TnOptionOrderReportResponse>"""
"""GetTnOptionOrders summary example."""

TN_OPTION_400 = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<TnOptionOrderResponse>
    <ResponseStatus>
        <ErrorCode>5081</ErrorCode>
        <Description>Number Format 'wrong' is invalid.</Description>
    </ResponseStatus>
</TnOptionOrderResponse>"""
"""CreateTnOptionOrder's 400 example."""

TN_OPTION_404 = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<TnOptionOrderReportResponse>
  <ResponseStatus>
    <Description>The resource does not exist</Description>
  </ResponseStatus>
</TnOptionOrderReportResponse>"""

TN_DETAILS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<TelephoneNumberResponse>
  <TelephoneNumberDetails>
    <City>JERSEY CITY</City>
    <Lata>224</Lata>
    <State>NJ</State>
    <FullNumber>2018981023</FullNumber>
    <Tier>0</Tier>
    <VendorId>49</VendorId>
    <VendorName>Bandwidth CLEC</VendorName>
    <OnNetVendor>true</OnNetVendor>
    <RateCenter>JERSEYCITY</RateCenter>
    <Status>Inservice</Status>
    <AccountId>14</AccountId>
    <Site>
      <Id>479</Id>
      <Name>site_9b08f</Name>
    </Site>
    <SipPeer>
      <PeerId>500014</PeerId>
      <PeerName>a2750fad-3</PeerName>
    </SipPeer>
    <ServiceTypes>
      <ServiceType>Voice</ServiceType>
      <ServiceType>Messaging</ServiceType>
    </ServiceTypes>
    <LastModified>2014-07-30T11:29:37.000Z</LastModified>
    <InServiceDate>2014-07-30T11:29:37.000Z</InServiceDate>
    <MessagingSettings>
      <SmsEnabled>true</SmsEnabled>
      <CampaignId>CA1B2C3</CampaignId>
      <MessageClass>A</MessageClass>
      <A2pState>overridden</A2pState>
      <CampaignFullyProvisioned>true</CampaignFullyProvisioned>
    </MessagingSettings>
  </TelephoneNumberDetails>
</TelephoneNumberResponse>"""
"""RetrieveTnDetails "Simple response" example, with MessagingSettings where the schema
(TelephoneNumberDetails.MessagingSettings, TnDetailsMessagingSettings) puts it, and the numbers
SDK's CampaignFullyProvisioned."""

# -- JSON platform APIs --------------------------------------------------------------------------

CAMPAIGNS = {
    "data": [
        {"campaignId": "CA1B2C3", "status": "REGISTERED", "brandId": "B1DER2J"},
        {"campaignId": "CP3ND1G", "status": "PENDING", "brandId": "B1DER2J"},
        {"campaignId": "CX9PIR3", "status": "EXPIRED", "brandId": "B1DER2J"},
    ],
    "page": {"totalElements": 3},
}
"""The shape Bandwidth/cli reads (cmd/message/preflight.go extractCampaigns, cmd/tendlc tests)."""

CAMPAIGN_NUMBERS = {
    "data": [{"phoneNumber": "+12054443942", "campaignId": "CA3XKE1", "status": "SUCCESS"}],
    "page": {"totalElements": 1},
}
"""cmd/tendlc/tendlc_test.go TestExtractData."""

TENDLC_NUMBER = {
    "phoneNumber": "+19195551234",
    "campaignId": "CA3XKE1",
    "status": "SUCCESS",
    "brandId": "B1DER2J",
}
"""AGENTS.md: ``band tendlc number +19195551234 --plain``."""

TENDLC_403_NO_ROLE = {
    "errors": [
        {"type": "forbidden", "description": "client does not have access rights to the content"}
    ]
}
TENDLC_403_REGISTRATION_CENTER = {
    "errors": [
        {
            "type": "forbidden",
            "description": "Account 33333 is not enabled for the Registration Center",
        }
    ]
}
"""cmd/tendlc/tendlc_test.go roleGateError bodies."""

TFV_DECLINED = {
    "phoneNumber": "+18005555555",
    "status": "UNVERIFIED",
    "internalTicketNumber": "acde070d-8c4c-4f0d-9d8a-162843c10333",
    "declineReasonDescription": (
        "Invalid Information - Can't Validate URL - Website is not accessible / not available"
    ),
    "denialStatusCode": 511,
    "additionalDenialReasons": [
        {"statusCode": 512, "reason": "Reason A", "resubmitAllowed": True},
        {"statusCode": 513, "reason": "Reason B", "resubmitAllowed": True},
    ],
    "resubmitAllowed": True,
    "createdDateTime": "2021-06-08T06:45:13.0Z",
    "modifiedDateTime": "2021-06-08T06:45:13.0Z",
    "submission": {
        "businessAddress": {
            "name": "Bandwidth Inc.",
            "addr1": "2230 Bandmate Way",
            "city": "Raleigh",
            "state": "NC",
            "zip": "27606",
            "url": "https://www.example.com/path/to/resource",
        },
        "businessContact": {
            "firstName": "FirstName",
            "lastName": "LastName",
            "email": "foo@bar.com",
            "phoneNumber": "+19192654500",
        },
        "messageVolume": 10000,
        "useCase": "2FA",
        "useCaseSummary": "Text summarizing the use case for the toll-free number",
        "productionMessageContent": "Production message content",
        "optInWorkflow": {
            "description": "Opt In Flow",
            "imageUrls": ["https://www.example.com/path/to/resource"],
        },
        "businessEntityType": "SOLE_PROPRIETOR",
    },
    "blocked": False,
}
"""bandwidth-sdk TfvStatus / VerificationDenialWebhook examples (ruby-sdk docs carry the same)."""

TFV_400 = {
    "type": "bad request",
    "description": "cannot process request",
    "errors": {
        "businessContact.email": ["is not a valid email address"],
        "messageVolume": ["must be between 10 and 10000000"],
    },
}
"""messaging-tfverify-athena.yml badRequestError, with the SDK's dot notation for fields."""
